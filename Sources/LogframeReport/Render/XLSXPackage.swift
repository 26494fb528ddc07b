// The package (zip) of the XLSX renderer: the fixed parts around the sheets, written in a fixed
// order with a fixed modification date, deflated, in memory.

import Foundation
import ZIPFoundation

public enum XLSXError: Error, CustomStringConvertible {
    case zip(String)

    public var description: String {
        switch self {
        case .zip(let message): return "cannot write the XLSX package: \(message)"
        }
    }
}

enum XLSXPackage {
    /// Every entry's modification date: 1980-01-01 00:00:00 UTC, the earliest a zip can hold.
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    static func write(sheets: [XLSXSheet], styles: XLSXStyles, title: String, language: String) throws -> Data {
        let strings = XLSXSharedStrings()
        // Sheets first: they fill the shared-strings table and the style registry.
        let sheetParts = sheets.enumerated().map { ("xl/worksheets/sheet\($0.offset + 1).xml", $0.element.xml(strings: strings)) }
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheetCount: sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("docProps/core.xml", coreProperties(title: title, language: language)),
            ("xl/workbook.xml", workbook(sheets)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheetCount: sheets.count)),
            ("xl/styles.xml", styles.xml),
            ("xl/sharedStrings.xml", strings.xml),
        ] + sheetParts

        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: entryDate, permissions: 0o644, compressionMethod: .deflate,
                                     provider: { position, size in
                                         data.subdata(in: Int(position)..<(Int(position) + size))
                                     })
            }
        } catch {
            throw XLSXError.zip(String(describing: error))
        }
        guard let data = archive.data else { throw XLSXError.zip("no in-memory archive data") }
        return data
    }

    static func contentTypes(sheetCount: Int) -> String {
        var out = header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        out += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        out += #"<Default Extension="xml" ContentType="application/xml"/>"#
        out += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        for i in 1...max(sheetCount, 1) {
            out += "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        out += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        out += #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        out += #"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#
        out += "</Types>"
        return out
    }

    static let rootRelationships = header
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#
        + "</Relationships>"

    /// Title, creator and language; no dates, so the bytes do not depend on when it was written.
    static func coreProperties(title: String, language: String) -> String {
        var out = header
        out += #"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
        out += "<dc:title>" + XLSXText.escape(XLSXText.xmlLegal(title)) + "</dc:title>"
        out += "<dc:creator>logframe</dc:creator>"
        out += "<dc:language>" + XLSXText.escape(XLSXText.xmlLegal(language)) + "</dc:language>"
        out += "</cp:coreProperties>"
        return out
    }

    static func workbook(_ sheets: [XLSXSheet]) -> String {
        var out = header
        out += #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        out += #"<bookViews><workbookView activeTab="0"/></bookViews><sheets>"#
        for (i, sheet) in sheets.enumerated() {
            out += "<sheet name=\"\(XLSXText.escape(sheet.name, attribute: true))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        out += "</sheets>"
        let printTitles = sheets.enumerated().compactMap { i, sheet in sheet.printTitleRows.map { (i, sheet.name, $0) } }
        if !printTitles.isEmpty {
            out += "<definedNames>"
            for (i, name, rows) in printTitles {
                let range = XLSXText.quotedSheet(name) + "!$\(rows.lowerBound + 1):$\(rows.upperBound + 1)"
                out += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(i)\">\(XLSXText.escape(range))</definedName>"
            }
            out += "</definedNames>"
        }
        out += "</workbook>"
        return out
    }

    static func workbookRelationships(sheetCount: Int) -> String {
        var out = header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1...max(sheetCount, 1) {
            out += "<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        out += "<Relationship Id=\"rId\(sheetCount + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        out += "<Relationship Id=\"rId\(sheetCount + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        out += "</Relationships>"
        return out
    }
}
