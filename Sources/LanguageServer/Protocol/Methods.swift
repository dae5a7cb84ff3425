/// The methods the server sends (each incoming request and notification type names its own).
public enum LSPMethod {
    /// Ends the message loop; handled before dispatch.
    public static let exit = "exit"
    public static let progress = "$/progress"
    public static let workDoneProgressCreate = "window/workDoneProgress/create"
    public static let showMessage = "window/showMessage"
    public static let logMessage = "window/logMessage"
    public static let applyEdit = "workspace/applyEdit"
    public static let cascadeReport = "cascade/report"
    public static let cascadeSuggestion = "cascade/suggestion"
}

/// The commands the server puts in items and code actions (all listed in `executeCommandProvider`).
public enum CascadeCommand {
    public static let generateFromDocstring = "cascade.generateFromDocstring"
    public static let insertTests = "cascade.insertTests"
    public static let accepted = "cascade.accepted"
    public static let all = [generateFromDocstring, insertTests, accepted]
}
