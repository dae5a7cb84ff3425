import Cascade
import JSONRPC

extension LanguageServer {
    /// Runs the server on this process's stdin/stdout until `exit` or end of input.
    ///
    /// Reserves stdout for frames first (fd 1 then points at stderr), ignores SIGPIPE,
    /// and appends the ledger to `$CASCADE_HOME/ledger.jsonl` unless `ledger` is given.
    /// - Returns: the exit code (0 after `shutdown`, 1 without); pass it to `exit`.
    public static func runStdio(engineFactory: @escaping EngineFactory, ledger: Ledger? = nil) async -> Int32 {
        let (input, output) = StandardIO.reserveStdoutForProtocol()
        let connection = JSONRPCConnection(inputFD: input, outputFD: output)
        let ledger = ledger ?? Ledger(file: LedgerFile.defaultLocation()) { [connection] problem in
            connection.notify(LSPMethod.showMessage, ["type": 2, "message": .string("Cascade ledger: \(problem)")])
        }
        let server = LanguageServer(connection: connection, engineFactory: engineFactory, ledger: ledger)
        let code = await server.run()
        await ledger.flush()
        connection.flush()
        return code
    }
}
