/// LSPMethod names the server handles or sends, in one place.
public enum LSPMethod {
    public static let initialize = "initialize"
    public static let initialized = "initialized"
    public static let shutdown = "shutdown"
    public static let exit = "exit"
    public static let didOpen = "textDocument/didOpen"
    public static let didChange = "textDocument/didChange"
    public static let didClose = "textDocument/didClose"
    public static let didSave = "textDocument/didSave"
    public static let didChangeConfiguration = "workspace/didChangeConfiguration"
    public static let inlineCompletion = "textDocument/inlineCompletion"
    public static let completion = "textDocument/completion"
    public static let codeAction = "textDocument/codeAction"
    public static let codeActionResolve = "codeAction/resolve"
    public static let executeCommand = "workspace/executeCommand"
    public static let cancelRequest = "$/cancelRequest"
    public static let setTrace = "$/setTrace"
    public static let progress = "$/progress"
    public static let workDoneProgressCreate = "window/workDoneProgress/create"
    public static let workDoneProgressCancel = "window/workDoneProgress/cancel"
    public static let showMessage = "window/showMessage"
    public static let logMessage = "window/logMessage"
    public static let applyEdit = "workspace/applyEdit"
    public static let cascadeReport = "cascade/report"
    public static let cascadeLedger = "cascade/ledger"
    public static let cascadeSuggestion = "cascade/suggestion"
}

/// The commands the server puts in items and code actions (all listed in `executeCommandProvider`).
public enum CascadeCommand {
    public static let generateFromDocstring = "cascade.generateFromDocstring"
    public static let insertTests = "cascade.insertTests"
    public static let accepted = "cascade.accepted"
    public static let all = [generateFromDocstring, insertTests, accepted]
}
