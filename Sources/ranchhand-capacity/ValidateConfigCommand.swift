import ArgumentParser
import Foundation
import RanchhandHandlers

struct ValidateConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-config",
        abstract: "Check a scaler configuration file and print the scalers it defines."
    )

    @Argument(help: "YAML configuration file.")
    var file: String

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let configuration = try CapacityConfiguration.load(yaml: text, file: file)
        for scaler in configuration.scalers {
            print("\(scaler.name): \(scaler.summary)")
        }
    }
}
