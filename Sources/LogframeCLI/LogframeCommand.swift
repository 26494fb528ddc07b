import ArgumentParser

public struct LogframeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "logframe", abstract: "Programme monitoring and indicator engine.")
    public init() {}
}
