/// Durations as the fractional seconds that logs, reports and libcurl options use.
extension Duration {
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
