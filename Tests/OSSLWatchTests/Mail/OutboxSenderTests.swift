import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTransport
import Testing

/// How SMTP failures map onto outbox states; the transactions themselves are tested against
/// the real server in the integration tests.
@Suite struct OutboxSenderTests {
    let now = StoreSamples.start
    let retry = MailSettings.Retry(initial: 10, maximum: 60, attempts: 3)

    @Test("4xx retries with doubling backoff until the tries are used up, then fails")
    func temporary() {
        let error = SMTPError(.temporary, "451", replyCode: 451, serverText: "4.3.0 busy")
        #expect(
            OutboxSender.outcome(of: error, attempts: 1, retry: retry, now: now)
                == .retry(code: 451, text: "451 4.3.0 busy", next: now.addingTimeInterval(10)))
        #expect(
            OutboxSender.outcome(of: error, attempts: 2, retry: retry, now: now)
                == .retry(code: 451, text: "451 4.3.0 busy", next: now.addingTimeInterval(20)))
        #expect(
            OutboxSender.outcome(of: error, attempts: 3, retry: retry, now: now)
                == .failed(code: 451, text: "gave up after 3 tries: 451 4.3.0 busy"))
    }

    @Test("5xx fails with the server's text; a lost final reply needs attention; TLS refusal fails")
    func permanent() {
        let rejected = SMTPError(.permanent, "550", replyCode: 550, serverText: "5.1.1 mailbox unavailable")
        #expect(
            OutboxSender.outcome(of: rejected, attempts: 1, retry: retry, now: now)
                == .failed(code: 550, text: "550 5.1.1 mailbox unavailable"))
        let lost = SMTPError(.timeout, "no reply to DATA", mayHaveBeenDelivered: true)
        #expect(
            OutboxSender.outcome(of: lost, attempts: 1, retry: retry, now: now) == .unknown(text: "no reply to DATA"))
        let tls = SMTPError(.tlsRequired, "the server does not offer STARTTLS")
        #expect(
            OutboxSender.outcome(of: tls, attempts: 1, retry: retry, now: now)
                == .failed(code: nil, text: "the server does not offer STARTTLS"))
    }
}
