/// Why a position or an edit does not fit the document.
public struct PositionError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
}

/// An open document's text, with LSP positions mapped to and from string offsets.
///
/// Lines end at `\n` (a preceding `\r` belongs to the line break). A character past
/// the end of its line is clamped to the line's end, as LSP asks; a line past the last
/// one is an error.
public struct TextDocument: Sendable, Equatable {
    public var uri: String
    public var languageId: String
    public var version: Int
    public private(set) var text: String
    /// UTF-8 offsets of the start of every line.
    private var lineStarts: [Int]

    public init(uri: String, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.text = text
        self.lineStarts = Self.lineStarts(of: text)
    }

    public var lineCount: Int { lineStarts.count }

    /// Line `index` without its line break.
    public func line(_ index: Int) -> Substring {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStarts[index])
        var end = index + 1 < lineStarts.count
            ? utf8.index(utf8.startIndex, offsetBy: lineStarts[index + 1] - 1)
            : utf8.endIndex
        if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
        return text[start..<end]
    }

    /// The UTF-8 offset of `position`.
    /// - Throws: `PositionError` when the line is past the end of the document.
    public func utf8Offset(of position: Position, encoding: PositionEncoding) throws -> Int {
        guard position.line >= 0, position.character >= 0 else {
            throw PositionError(description: "position \(position.line):\(position.character) is negative; lines and characters count from 0")
        }
        guard position.line < lineCount else {
            throw PositionError(description: "position \(position.line):\(position.character) is past the end of the document (\(lineCount) lines, last line \(lineCount - 1))")
        }
        let lineText = line(position.line)
        let lineStart = lineStarts[position.line]
        switch encoding {
        case .utf8:
            var offset = min(position.character, lineText.utf8.count)
            // Never split a scalar: back up to its first byte.
            let bytes = Array(lineText.utf8)
            while offset > 0, offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
            return lineStart + offset
        case .utf16:
            var units = 0
            var bytes = 0
            for scalar in lineText.unicodeScalars {
                let width = scalar.utf16.count
                if units + width > position.character { break }
                units += width
                bytes += scalar.utf8.count
            }
            return lineStart + bytes
        }
    }

    /// Length of line `index` in the encoding's units.
    public func lineLength(_ index: Int, encoding: PositionEncoding) -> Int {
        let lineText = line(index)
        return encoding == .utf8 ? lineText.utf8.count : lineText.utf16.count
    }

    /// `position` with its character counted in UTF-16 units (what the engine expects).
    public func utf16Column(of position: Position, encoding: PositionEncoding) throws -> Int {
        let offset = try utf8Offset(of: position, encoding: encoding)
        let lineStart = lineStarts[position.line]
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStart)
        let end = utf8.index(utf8.startIndex, offsetBy: offset)
        return text[start..<end].utf16.count
    }

    /// The position of the end of the document.
    public func endPosition(encoding: PositionEncoding) -> Position {
        Position(line: lineCount - 1, character: lineLength(lineCount - 1, encoding: encoding))
    }

    /// Applies one change: the whole text when `range` is nil.
    /// - Throws: `PositionError` when the range starts past the end; the text is unchanged then.
    public mutating func apply(_ change: TextDocumentContentChangeEvent, encoding: PositionEncoding) throws {
        guard let range = change.range else {
            replaceAll(with: change.text)
            return
        }
        let startOffset = try utf8Offset(of: range.start, encoding: encoding)
        // An end past the last line means "to the end of the document".
        let endOffset = range.end.line >= lineCount ? text.utf8.count : try utf8Offset(of: range.end, encoding: encoding)
        guard startOffset <= endOffset else {
            throw PositionError(description: "change range ends (\(range.end.line):\(range.end.character)) before it starts (\(range.start.line):\(range.start.character))")
        }
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(startOffset..<endOffset, with: Array(change.text.utf8))
        replaceAll(with: String(decoding: bytes, as: UTF8.self))
    }

    private mutating func replaceAll(with newText: String) {
        text = newText
        lineStarts = Self.lineStarts(of: newText)
    }

    private static func lineStarts(of text: String) -> [Int] {
        var starts = [0]
        var offset = 0
        for byte in text.utf8 {
            offset += 1
            if byte == UInt8(ascii: "\n") { starts.append(offset) }
        }
        return starts
    }
}
