/// `cascade demo`
enum DemoCommand {
    static func run(_ arguments: [String]) async throws -> Int32 {
        throw CLIError.runtime("`cascade demo` is not wired yet")
    }
}
