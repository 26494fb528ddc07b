import ArgumentParser
import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeSQL

/// `--engine URL` of report, validate and explain: compute inside a database (docs/database.md).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("engine"), help: ArgumentHelp(
        "Compute in a database instead of reading the files: postgresql://... (a libpq URL; PGPASSWORD, ~/.pgpass and sslmode apply), duckdb:PATH, or spark (spark:FOLDER: its warehouse and metastore).",
        valueName: "url"))
    var engine: String?

    func validate() throws {
        if let engine, DatabaseEngine(url: engine) == nil {
            throw ValidationError("--engine must be postgresql://... (or postgres://...), duckdb:PATH, spark or spark:FOLDER (got \"\(engine)\").")
        }
    }
}

/// A database and the standard client logframe runs the script with, as a subprocess: `psql`
/// for PostgreSQL, the `duckdb` Python package for DuckDB, `pyspark` for Spark. No database
/// library is linked.
enum DatabaseEngine {
    case postgres(url: String)
    case duckdb(path: String)
    /// The Spark session's warehouse and metastore folder (nil: Spark's own configuration, else
    /// the working directory, as `spark-sql` does).
    case spark(folder: String?)

    init?(url: String) {
        if url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") {
            self = .postgres(url: url)
        } else if url.hasPrefix("duckdb:"), url.count > "duckdb:".count {
            self = .duckdb(path: String(url.dropFirst("duckdb:".count)))
        } else if url == "spark" {
            self = .spark(folder: nil)
        } else if url.hasPrefix("spark:"), url.count > "spark:".count {
            self = .spark(folder: String(url.dropFirst("spark:".count)))
        } else {
            return nil
        }
    }

    var dialect: SQLDialectName {
        switch self {
        case .postgres: return .postgres
        case .duckdb: return .duckdb
        case .spark: return .spark
        }
    }

    /// What the messages call it (never the URL, which may hold a password).
    var name: String {
        switch self {
        case .postgres: return "PostgreSQL"
        case .duckdb(let path): return "DuckDB (\(path))"
        case .spark: return "Spark"
        }
    }

    struct Failure: Error { var message: String; var hint: String? }

    /// Runs the script and returns the result's rows, each cell as text (nil = NULL).
    func rows(of sql: String) throws -> [[String?]] {
        switch self {
        case .postgres(let url):
            // COPY's CSV writes NULL as nothing and an empty string as "": the two stay apart.
            // JIT off for this session: compiling the script's few hundred expressions took
            // 13.8 s of 39.5 s on the bench's million rows (EXPLAIN ANALYZE), more than it saves
            // on one pass over the rows.
            let copy = "SET jit = off;\nCOPY (\n\(sql)) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8');\n"
            let out = try DatabaseEngine.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
                                             input: copy, client: "psql",
                                             install: "Install the PostgreSQL client (Debian: apt-get install postgresql-client).")
            var rows = QuotedCSV.parse(out)
            guard let header = rows.first, header.map({ $0 ?? "" }) == BuildingBlock.columns else {
                throw Failure(message: "psql did not return the script's columns", hint: nil)
            }
            rows.removeFirst()
            return rows
        case .duckdb(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw Failure(message: "there is no DuckDB database at \(path)",
                              hint: "Give the database file that holds the sources' tables: --engine duckdb:PATH.")
            }
            // Decimals printed positionally ('{:f}'), never in exponent form or through a float.
            // The script orders its result itself, so DuckDB need not keep the order rows are
            // stored in (it then stores the CTEs in parallel: about 9 % of the bench at 10M rows).
            let program = """
                import sys, os, json, decimal, duckdb
                con = duckdb.connect(sys.argv[1], read_only=True)
                con.execute("SET enable_progress_bar = false")
                con.execute("SET preserve_insertion_order = false")
                if os.environ.get("LOGFRAME_DUCKDB_THREADS"): con.execute("SET threads = " + str(int(os.environ["LOGFRAME_DUCKDB_THREADS"])))
                cur = con.execute(sys.stdin.read())
                def text(v):
                    if v is None: return None
                    if isinstance(v, decimal.Decimal): return format(v, 'f')
                    if isinstance(v, bool): return 'true' if v else 'false'
                    return str(v)
                sys.stdout.write(json.dumps([[text(v) for v in row] for row in cur.fetchall()], ensure_ascii=False))
                """
            let out = try DatabaseEngine.run(["python3", "-c", program, path], input: sql, client: "python3 with the duckdb package",
                                             install: "Install DuckDB's Python package: python3 -m pip install duckdb.")
            do {
                return try JSONDecoder().decode([[String?]].self, from: out)
            } catch {
                throw Failure(message: "DuckDB's result could not be read (\(error))", hint: nil)
            }
        case .spark(let folder):
            let out = try DatabaseEngine.run(["python3", "-c", DatabaseEngine.sparkProgram, folder ?? ""], input: sql,
                                             client: "python3 with pyspark",
                                             install: "Install Spark's Python package (python3 -m pip install pyspark) and Java 17.")
            do {
                return try JSONDecoder().decode([[String?]].self, from: out)
            } catch {
                throw Failure(message: "Spark's result could not be read (\(error))", hint: nil)
            }
        }
    }

    /// Spark through `pyspark` (local mode unless Spark's configuration names a master), with
    /// Hive support so that tables saved in the warehouse are found again.
    static let sparkProgram = """
        import sys, os, json, decimal
        from pyspark.sql import SparkSession
        folder = sys.argv[1]
        builder = SparkSession.builder.appName("logframe").enableHiveSupport()
        if not os.environ.get("MASTER") and not os.environ.get("SPARK_HOME"):
            builder = builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        if folder:
            builder = (builder.config("spark.sql.warehouse.dir", os.path.join(folder, "spark-warehouse"))
                       .config("javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + os.path.join(folder, "metastore_db") + ";create=true")
                       # The metastore's log goes with it, not into the folder logframe runs in.
                       .config("spark.driver.extraJavaOptions", "-Dderby.stream.error.file=" + os.path.join(folder, "derby.log")))
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        rows = spark.sql(sys.stdin.read()).collect()
        def text(v):
            if v is None: return None
            if isinstance(v, decimal.Decimal): return format(v, 'f')
            if isinstance(v, bool): return 'true' if v else 'false'
            return str(v)
        sys.stdout.write(json.dumps([[text(v) for v in row] for row in rows], ensure_ascii=False))
        spark.stop()
        """

    private static func run(_ arguments: [String], input: String, client: String, install: String) throws -> Data {
        // A client that exits early (a wrong URL) closes its input: that must be an error
        // message here, not a SIGPIPE that ends logframe.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw Failure(message: "\(client) could not be started (\(error))", hint: install)
        }
        // Written and read on their own threads: a large script or result must not fill a pipe.
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorText()
        let reader = Thread { errors.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.done { usleep(1000) }
        if process.terminationStatus == 127 {
            throw Failure(message: "\(client) is not installed", hint: install)
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.data ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(message: "\(client) failed (exit \(process.terminationStatus)): \(text.isEmpty ? "no message" : String(text.suffix(2000)))", hint: nil)
        }
        return out
    }

    private final class ErrorText: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Data?
        var data: Data? {
            get { lock.lock(); defer { lock.unlock() }; return value }
            set { lock.lock(); value = newValue; lock.unlock() }
        }
        var done: Bool { data != nil }
    }
}

/// RFC 4180 CSV keeping apart an empty quoted cell ("" = empty text) and an empty unquoted
/// one (NULL), as PostgreSQL's COPY writes them.
enum QuotedCSV {
    static func parse(_ data: Data) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var cell: [UInt8] = []
        var quoted = false, inQuotes = false, any = false
        let bytes = [UInt8](data)
        var i = 0
        func endCell() {
            row.append(quoted || !cell.isEmpty ? String(decoding: cell, as: UTF8.self) : nil)
            cell.removeAll(keepingCapacity: true)
            quoted = false
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") { cell.append(b); i += 1 } else { inQuotes = false }
                } else {
                    cell.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                inQuotes = true; quoted = true; any = true
            } else if b == UInt8(ascii: ",") {
                endCell(); any = true
            } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                if b == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endCell()
                rows.append(row)
                row = []; any = false
            } else {
                cell.append(b); any = true
            }
            i += 1
        }
        if any || !cell.isEmpty || !row.isEmpty { endCell(); rows.append(row) }
        return rows
    }
}

extension Frontend {
    /// Computes every indicator inside the database at `url`: compiles the definitions to one
    /// script (as `logframe sql` prints it), runs it with the engine's client, and builds the
    /// figures from the rows with the local figure code. Nil, with the reason in the
    /// diagnostics, when the script cannot cover every source or the database fails.
    mutating func computeInDatabase(_ definitions: Definitions, asOf: String?, url: String) -> EngineResult? {
        guard let engine = DatabaseEngine(url: url) else { return nil }
        let date = asOf.flatMap { CivilDate(iso: $0) } ?? min(definitions.programme.end, Today.date)
        let output = SQLScript.compile(definitions, dialect: engine.dialect, asOf: date)
        diagnostics.append(contentsOf: output.diagnostics)
        // A report from part of the sources would look complete: every source must be in the script.
        guard var sql = output.sql, !output.diagnostics.contains(where: { $0.severity == .error }) else {
            diagnostics.append(.error("engine-incomplete", at: SourceLocation(file: definitions.file),
                "The definitions cannot be computed entirely in \(engine.name) (see the errors above), so no report is written",
                hint: "Run without --engine to read the files locally, or keep the sources the database cannot hold (XML) in another definitions file."))
            return nil
        }
        // A testing knob, like LOGFRAME_SPLIT_BYTES: run this script instead (the tests plant a
        // bug in the SQL and check that the report shows it). Users have no reason to set it.
        if let path = ProcessInfo.processInfo.environment["LOGFRAME_ENGINE_SCRIPT"],
           let planted = try? String(contentsOfFile: path, encoding: .utf8) { sql = planted }
        do {
            let blocks = try engine.rows(of: sql).map(BuildingBlock.init(cells:))
            let result = try Engine.run(definitions: definitions, asOf: date, blocks: blocks) { $0.table ?? $0.id }
            diagnostics.merge(result.log)
            return result
        } catch let failure as DatabaseEngine.Failure {
            diagnostics.append(.error("engine-failed", at: SourceLocation(file: definitions.file),
                                      "Running the definitions in \(engine.name) failed: \(failure.message)", hint: failure.hint))
        } catch {
            diagnostics.append(.error("engine-failed", at: SourceLocation(file: definitions.file),
                                      "\(engine.name) returned a result logframe cannot read: \(error)"))
        }
        return nil
    }
}
