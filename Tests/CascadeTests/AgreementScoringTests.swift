import Testing
@testable import Cascade

@Suite struct AgreementScoringTests {
    // Rows are solutions, columns tests. 1 = pass.
    static let matrix: [[Bool]] = [
        [true, true, false, true],   // s0 passes {0,1,3}
        [true, true, false, true],   // s1 same set as s0
        [true, true, true, true],    // s2 passes all
        [false, false, false, false] // s3 nothing
    ]

    @Test func codetScoresConsensusSetsBySizeTimesTestsPassed() {
        // Sets: {0,1,3} × 2 solutions = 6; {0,1,2,3} × 1 = 4; {} × 1 = 0. k·|T| = 4·4 = 16.
        let outcome = AgreementScoring.codet(Self.matrix, k: 4)
        #expect(outcome.raw == 6)
        #expect(outcome.best == 0)
        #expect(outcome.score == 6.0 / 16.0)
        #expect(outcome.bestPassed == 4)
    }

    @Test func paperScoresTheBestPassingCellByRowsumTimesColsum() {
        // Row sums 3,3,4,0; column sums 3,3,1,3. Best cell: s2 (4) × column 0 (3) = 12; 12/16.
        let outcome = AgreementScoring.paper(Self.matrix, k: 4)
        #expect(outcome.raw == 12)
        #expect(outcome.best == 2)
        #expect(outcome.score == 0.75)
    }

    @Test func everySolutionPassingEveryTestScoresOne() {
        let all = Array(repeating: Array(repeating: true, count: 5), count: 3)
        #expect(AgreementScoring.codet(all, k: 3).score == 1)
        #expect(AgreementScoring.paper(all, k: 3).score == 1)
    }

    @Test func unusableSamplesCountAgainstTheScore() {
        // Two usable solutions of k = 3 asked, both passing both tests: 2·2 / (3·2).
        let outcome = AgreementScoring.codet([[true, true], [true, true]], k: 3)
        #expect(abs(outcome.score - 2.0 / 3.0) < 1e-12)
    }

    @Test func codetTieGoesToTheSetPassingMoreTests() {
        // {0} × 2 = 2 and {0,1} × 1 = 2: the set passing two tests wins.
        let outcome = AgreementScoring.codet([[true, false], [true, false], [true, true]], k: 3)
        #expect(outcome.raw == 2)
        #expect(outcome.best == 2)
    }

    @Test func noTestsOrNoPassesScoreZero() {
        #expect(AgreementScoring.codet([[], []], k: 2).score == 0)
        #expect(AgreementScoring.codet([[], []], k: 2).best == 0)
        let failing = AgreementScoring.paper([[false, false], [false, true]], k: 2)
        #expect(failing.best == 1)
        #expect(failing.score == 1.0 / 4.0)
        #expect(AgreementScoring.codet([], k: 3).best == nil)
    }

    @Test func theRuleIsChosenByConfig() {
        #expect(AgreementScoring.score(Self.matrix, k: 4, rule: .paper).raw == 12)
        #expect(AgreementScoring.score(Self.matrix, k: 4, rule: .codet).raw == 6)
    }
}
