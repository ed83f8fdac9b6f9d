import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

@Suite struct OutboxStoreTests {
    let directory = TemporaryStateDirectory()
    let now = StoreSamples.start

    func draft(_ key: String, run: Int64? = nil, state: OutboxState = .drafted, id: String = "a@example.org")
        -> OutboxDraft
    {
        OutboxDraft(
            key: key, kind: "announcement", project: "cryptography", runID: run, step: run.map { _ in "announce" },
            messageID: "osslwatch.\(key.replacingOccurrences(of: ":", with: "."))@example.org", subject: "s",
            maildirFile: "f-\(key)", envelopeFrom: "from@example.org", recipients: ["list@example.org"],
            message: Array("m\r\n".utf8), state: state)
    }

    /// A store with one run whose only step is an announce step.
    func storeWithRun() throws -> (Store, RunRecord) {
        let store = try Store(directory: directory.path)
        let run = try #require(
            try store.createRun(
                project: "cryptography", previous: StoreSamples.version("3.5.3"),
                target: StoreSamples.version("3.5.4"), nextRelease: "46.0.2",
                steps: [StepPlan(name: "announce", kind: .announce, idempotent: true)], at: now))
        return (store, run)
    }

    /// What the runner does around one SMTP transaction of a run's announcement: the step's
    /// attempt begins, the row is sending, the outcome is recorded, the attempt ends with it.
    @discardableResult
    func send(_ store: Store, _ run: RunRecord, _ id: Int64, _ outcome: Store.SendOutcome, at: Date) throws
        -> OutboxRecord
    {
        let attempt = try store.beginStep(run: run.id, step: "announce", at: at)
        let before = try #require(try store.outbox(id)).attempts
        let sending = try store.beginSending(id, at: at)
        #expect(sending.state == .sending)
        #expect(try store.steps(run: run.id).first?.state == .running)
        let after = try store.finishSending(id, outcome, at: at)
        let result = OutboxMachine(after).attemptResult(attemptsBefore: before)
        try store.finishStep(
            run: run.id, step: "announce", attempt: attempt.number, state: result.state, reason: result.reason,
            outcome: result.attempt?.outcome, at: at)
        return after
    }

    @Test("drafting is idempotent by key: the same key returns the first row, never a second")
    func idempotentDraft() throws {
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let first = try store.createDraft(draft("notice:p:new-series:3.6", state: .approved), at: now)
        let again = try store.createDraft(draft("notice:p:new-series:3.6", state: .drafted), at: now)
        #expect(first.created && !again.created)
        #expect(first.record.id == again.record.id && again.record.state == .approved)
        #expect(try store.outboxRecords().count == 1)
        #expect(try store.outboxRecords(state: .approved).map(\.id) == [first.record.id])
        #expect(try store.outboxRecords(state: .drafted).isEmpty)
        #expect(try store.outboxMessage(first.record.id) == Array("m\r\n".utf8))
    }

    @Test("a run's draft holds its announce step; approve (run or draft) releases it; sent makes it done")
    func runLinkedFlow() throws {
        defer { directory.remove() }
        let (store, run) = try storeWithRun()
        var review = draft("run:1:announce:review", run: run.id, state: .approved)
        review.role = .review
        let (record, _) = try store.createDraft(draft("run:1:announce", run: run.id), review: review, at: now)
        #expect(try store.run(run.id)?.state == .waitingApproval)
        #expect(try store.steps(run: run.id).first?.state == .waitingApproval)
        #expect(try store.dueOutbox(now: now).map(\.role) == [.review])

        // `osslwatch approve RUN` on the announce step approves the draft; the step waits to be sent.
        try store.approve(run: run.id, step: nil, at: now)
        #expect(try store.outbox(record.id)?.state == .approved)
        let step = try #require(try store.steps(run: run.id).first)
        #expect(step.state == .pending && step.approvedAt != nil)
        #expect(try store.run(run.id)?.state == .active)
        #expect(throws: StoreError.self) { try store.approveDraft(record.id, at: now) }

        let sending = try store.beginSending(record.id, at: now)
        #expect(sending.state == .sending && sending.attempts == 1)
        #expect(throws: StoreError.self) { try store.beginSending(record.id, at: now) }
        let attempt = try store.beginStep(run: run.id, step: "announce", at: now)
        #expect(try store.steps(run: run.id).first?.state == .running)
        let sent = try store.finishSending(record.id, .sent(code: 250, text: "2.0.0 Ok: queued"), at: now)
        #expect(sent.state == .sent && sent.replyCode == 250 && sent.sentAt == now)
        let result = OutboxMachine(sent).attemptResult(attemptsBefore: 0)
        try store.finishStep(
            run: run.id, step: "announce", attempt: attempt.number, state: result.state, reason: result.reason,
            outcome: result.attempt?.outcome, at: now)
        let done = try #require(try store.steps(run: run.id).first)
        #expect(done.state == .done && done.reason?.contains("250 2.0.0 Ok: queued") == true)
        #expect(try store.attempts(run: run.id).map(\.outcome) == [.sent])
    }

    @Test("drafts approve on a run's draft works like approve RUN; a cancelled run's draft cannot be approved")
    func approveDraftForRun() throws {
        defer { directory.remove() }
        let (store, run) = try storeWithRun()
        let (record, _) = try store.createDraft(draft("run:1:announce", run: run.id), at: now)
        try store.cancel(run: run.id, at: now)
        do {
            _ = try store.approveDraft(record.id, at: now)
            Issue.record("approved a cancelled run's draft")
        } catch {
            #expect(error.code == .illegalTransition && error.exitStatus == 65)
            #expect(error.message.contains("cancelled"))
        }
    }

    @Test("4xx waits and is due at its time; 5xx fails the step with the server's text")
    func retryAndFail() throws {
        defer { directory.remove() }
        let (store, run) = try storeWithRun()
        let (record, _) = try store.createDraft(draft("run:1:announce", run: run.id), at: now)
        _ = try store.approveDraft(record.id, at: now)
        let later = now.addingTimeInterval(60)
        let waiting = try send(store, run, record.id, .retry(code: 451, text: "4.3.0 try later", next: later), at: now)
        #expect(waiting.state == .retryWait && waiting.nextAttempt == later)
        #expect(try store.steps(run: run.id).first?.state == .pending)
        #expect(try store.dueOutbox(now: now).isEmpty)
        #expect(try store.dueOutbox(now: later).map(\.id) == [record.id])
        #expect(try store.nextOutboxAttempt() == later)
        #expect(throws: StoreError.self) { try store.beginSending(record.id, at: now) }
        let failed = try send(store, run, record.id, .failed(code: 550, text: "5.1.1 no such list"), at: later)
        #expect(failed.state == .failed && failed.attempts == 2)
        let step = try #require(try store.steps(run: run.id).first)
        #expect(step.state == .failed && step.reason == "550 5.1.1 no such list")
        #expect(try store.run(run.id)?.state == .failed)
        #expect(try store.attempts(run: run.id).map(\.outcome) == [.retryWait, .failed])
    }

    @Test("a row left sending becomes needs-attention, its step follows it, and it is sent again only by drafts retry")
    func recovery() throws {
        defer { directory.remove() }
        let (store, run) = try storeWithRun()
        let (record, _) = try store.createDraft(draft("run:1:announce", run: run.id), at: now)
        _ = try store.approveDraft(record.id, at: now)
        _ = try store.beginStep(run: run.id, step: "announce", at: now)
        _ = try store.beginSending(record.id, at: now)
        // At start: the row first, then the step (pending again: its message row says what happened).
        let recovered = try store.recoverSending(at: now)
        #expect(recovered.map(\.state) == [.needsAttention])
        #expect(try store.recoverInterrupted(at: now).map(\.state) == [.pending])
        #expect(try store.syncAnnounceStep(try #require(try store.outbox(record.id)), at: now) == .needsAttention)
        #expect(try store.steps(run: run.id).first?.state == .needsAttention)
        #expect(try store.run(run.id)?.state == .needsAttention)
        #expect(try store.attempts(run: run.id).map(\.outcome) == [.interrupted])
        #expect(try store.recoverInterrupted(at: now).isEmpty)
        #expect(try store.dueOutbox(now: now.addingTimeInterval(86_400)).isEmpty)
        #expect(try store.recoverSending(at: now).isEmpty)
        let again = try store.retryDraft(record.id, at: now)
        #expect(again.state == .approved && again.attempts == 0)
        #expect(try store.steps(run: run.id).first?.state == .pending)
        #expect(throws: StoreError.self) { try store.retryDraft(record.id, at: now) }
    }

    @Test("the schema has the v6 migration")
    func migration() throws {
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        #expect(try store.appliedMigrations().contains("v6-mail"))
    }
}

extension OutboxStoreTests {
    @Test("a cancelled run's unsent draft and review copy are withdrawn; sent rows stay as they are")
    func cancelledRunWithdrawsDrafts() throws {
        defer { directory.remove() }
        let (store, run) = try storeWithRun()
        var review = draft("run:1:announce:review", run: run.id, state: .approved)
        review.role = .review
        let (record, _) = try store.createDraft(draft("run:1:announce", run: run.id), review: review, at: now)
        let notice = try store.createDraft(draft("notice:p:new-series:3.6", state: .approved), at: now).record
        #expect(try store.cancelDraftsOfClosedRuns(at: now).isEmpty)
        try store.cancel(run: run.id, at: now)
        #expect(try store.cancelDraftsOfClosedRuns(at: now).count == 2)
        let withdrawn = try #require(try store.outbox(record.id))
        #expect(withdrawn.state == .cancelled && withdrawn.reason == "run \(run.id) is cancelled")
        #expect(try store.outbox(notice.id)?.state == .approved)
        #expect(try store.dueOutbox(now: now).map(\.id) == [notice.id])
    }
}
