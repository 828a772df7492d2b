/// Reads the viewer's page as a user reads it: the cells of its table of rows.
enum ViewerGrid {
    /// The text of column `column` in each body row of the viewer's table.
    static func cells(_ dom: String, column: Int) -> [String] {
        guard let body = dom.components(separatedBy: "<table class=\"grid rows\">").last?.components(separatedBy: "<tbody>").last?
            .components(separatedBy: "</tbody>").first else { return [] }
        return body.components(separatedBy: "<tr>").dropFirst().compactMap { row in
            let cells = row.components(separatedBy: "<td").dropFirst().map { cell in
                String(cell.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
            }
            return column < cells.count ? cells[column] : nil
        }
    }
}
