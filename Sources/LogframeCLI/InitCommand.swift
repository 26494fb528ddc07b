import ArgumentParser
import Foundation
import LogframeCore
import LogframeData

/// `logframe init DATA...`: a commented definitions skeleton from data files (docs/init.md).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented definitions skeleton from CSV files or ODK/Kobo XML submissions.",
        discussion: """
            Every column is typed from a sample of its values. Several XML submissions of one form \
            (e.g. meetings/*.xml) make one source; each CSV file makes a source of its own. Review \
            the TODO comments, then run logframe validate on the result.
            """)

    @Argument(help: "CSV files; ODK/KoboToolbox submission XML files of one form; or an XLSForm (.xlsx), with its submissions if you have them.")
    var data: [String]

    @Option(name: [.customShort("o"), .long], help: "Write the definitions to this file instead of standard output.")
    var output: String?

    @Flag(help: "Overwrite the --output file if it exists.")
    var force = false

    @Option(help: "Rows (CSV) or submissions (XML) read per source to infer the types.")
    var sample: Int = 10_000

    func validate() throws {
        if data.isEmpty { throw ValidationError("Name at least one data file, e.g. logframe init services.csv") }
        if sample < 1 { throw ValidationError("--sample must be at least 1.") }
        if let output, !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists already; init never overwrites a file. Choose another name, or add --force to replace it.")
        }
    }

    func run() throws {
        var log = DiagnosticLog()
        var sources: [InitSkeleton.Source] = []
        let base = output.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path }
            ?? FileManager.default.currentDirectoryPath
        let xml = data.filter { $0.lowercased().hasSuffix(".xml") }
        let xlsx = data.filter { $0.lowercased().hasSuffix(".xlsx") }
        var forms: [(form: XLSForm, path: String, pathIsGuess: Bool)] = []
        // A file that cannot be read at all stops init; bad rows in a readable file do not.
        var unreadable = false
        for path in xlsx {
            let (form, problems) = XLSForm.read(path: path)
            log.merge(problems)
            // With submissions given too, the form types them and they give the path.
            if form == nil { unreadable = true }
            if let form { forms.append((form, xml.isEmpty ? "submissions/*.xml" : InitSkeleton.xmlPath(xml, from: base), xml.isEmpty)) }
        }
        for path in data where !path.lowercased().hasSuffix(".xml") && !path.lowercased().hasSuffix(".xlsx") {
            let (profile, problems) = TableProfiler.profileCSV(path: path, sampleRows: sample)
            log.merge(problems)
            if profile == nil { unreadable = true }
            if let profile {
                sources.append(.init(profile: profile, path: InitSkeleton.relativePath(path, from: base)))
            }
        }
        if !xml.isEmpty, xlsx.isEmpty {
            let (profiles, problems) = TableProfiler.profileXML(paths: xml, sampleRows: sample)
            log.merge(problems)
            if problems.errorCount > 0 { unreadable = true }
            let path = InitSkeleton.xmlPath(xml, from: base)
            for profile in profiles { sources.append(.init(profile: profile, path: path)) }
        }
        // Definitions read only inside their project folder (docs/validation.md): say so now
        // rather than at the first validate.
        let policy = PathPolicy(definitionsDirectory: base)
        for path in data {
            let canonical = PathPolicy.canonical(path) ?? path
            if !policy.allows(canonical) {
                log.append(.warning("path-outside-project", at: SourceLocation(file: path),
                                    "\(path) is outside the project folder of the definitions (\(policy.projectRoot)): validate and report will refuse it",
                                    hint: "Write the definitions inside the data's project (e.g. -o beside the data), or run them with --allow-outside \((canonical as NSString).deletingLastPathComponent)."))
            }
        }
        Frontend.printError(DiagnosticText.render(log))
        guard !unreadable, !sources.isEmpty || !forms.isEmpty else { throw ExitCode(1) }

        var skeleton = InitSkeleton(sources: sources, relativeTo: output == nil ? "the current folder" : nil)
        skeleton.forms = forms
        if !forms.isEmpty, !xml.isEmpty {
            let (profiles, problems) = TableProfiler.profileXML(paths: xml, sampleRows: sample)
            if problems.errorCount > 0 {
                Frontend.printError(DiagnosticText.render(problems))
                throw ExitCode(1)
            }
            skeleton.formData = Array(profiles.prefix(1))
        }
        let yaml = skeleton.render()
        if let output {
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw Frontend.fail(.error("output-unwritable", at: SourceLocation(file: output), "cannot write the definitions: the folder \(folder) does not exist"))
            }
            // The CLI's safe writer: never over a data file named on this command line, atomic.
            do {
                let sink = try SafeOutput(path: output, inputs: data)
                try sink.commit(Data(yaml.utf8))
            } catch let failure as SafeOutput.Failure {
                throw Frontend.fail(failure.diagnostic(output))
            } catch {
                throw Frontend.fail(.error("output-unwritable", at: SourceLocation(file: output), "cannot write the definitions: \(error.localizedDescription)"))
            }
            Frontend.printStatus("wrote \(output); review its TODO comments, then run: logframe validate \(output)")
        } else {
            Frontend.printOutput(yaml)
        }
        if log.errorCount > 0 {
            // The rows above were left out of the sample; validate will report them too.
            Frontend.printStatus("The skeleton was written from the readable rows; correct the rows above in the data.")
            throw ExitCode(1)
        }
    }
}
