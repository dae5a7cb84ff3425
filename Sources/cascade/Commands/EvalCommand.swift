/// `cascade eval`
enum EvalCommand {
    static func run(_ arguments: [String]) async throws -> Int32 {
        throw CLIError.runtime("`cascade eval` is not wired yet")
    }
}
