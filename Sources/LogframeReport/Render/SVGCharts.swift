import LogframeCore

/// Inline SVG for HTML reports: the progress bar of a table cell, the trend of an indicator over
/// periods (line, target markers, gaps where a period has no data) and horizontal bars for a
/// breakdown. No `xmlns` URL (HTML5 does not need it), every label escaped, coordinates written
/// with one decimal so the output is the same on every machine.
enum SVGCharts {
    typealias E = HTMLRenderer

    static func render(_ chart: Chart, format: DisplayFormat, words: Words) -> String {
        switch chart.kind {
        case .trend: return trend(chart, format: format, words: words)
        case .bars: return bars(chart, format: format, words: words)
        }
    }

    // MARK: - Progress bar (table cell)

    /// A bar 100 units wide: filled up to the share, capped at 100; past 100 a darker cap says so.
    static func progressBar(_ value: ExactDecimal, label: String) -> String {
        let share = value.doubleValue
        let width = min(max(share, 0), 100)
        var out = "<svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(E.escape(label))\">"
        out += "<rect x=\"0\" y=\"0\" width=\"100\" height=\"10\" rx=\"2\" fill=\"#e3e8ee\"/>"
        if width > 0 {
            out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"10\" rx=\"2\" fill=\"\(share >= 100 ? "#2e7d46" : "#2f6ea6")\"/>"
        }
        return out + "</svg>"
    }

    // MARK: - Trend

    static func trend(_ chart: Chart, format: DisplayFormat, words: Words) -> String {
        let width = 560.0, height = 240.0
        let left = 56.0, right = 16.0, top = 18.0
        let count = chart.points.count
        let rotate = count > 7
        let bottom = rotate ? 62.0 : 34.0
        let plotW = width - left - right, plotH = height - top - bottom
        let values = chart.points.map { $0.value?.doubleValue }
        let targets = (0..<count).map { $0 < chart.targets.count ? chart.targets[$0]?.doubleValue : nil }
        let all = (values + targets).compactMap { $0 }
        let (lo, hi, step) = axis(min: min(all.min() ?? 0, 0), max: max(all.max() ?? 1, chart.unitIsPercent ? 0 : 1))
        func x(_ i: Int) -> Double { count <= 1 ? left + plotW / 2 : left + plotW * (Double(i) + 0.5) / Double(count) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }

        var out = "<figure class=\"chart trend\">\n<figcaption>\(E.escape(chart.title))</figcaption>\n"
        out += "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(E.escape(chart.title))\">\n"
        out += "<title>\(E.escape(chart.title))</title>\n"
        // Grid and y axis.
        var tick = lo
        while tick <= hi + step / 1000 {
            let ty = y(tick)
            out += "<line x1=\"\(n(left))\" y1=\"\(n(ty))\" x2=\"\(n(width - right))\" y2=\"\(n(ty))\" stroke=\"\(tick == 0 ? "#8a96a6" : "#e3e8ee")\" stroke-width=\"1\"/>"
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(ty + 4))\" text-anchor=\"end\" font-size=\"12.5\" fill=\"#5a6472\">\(E.escape(axisLabel(tick, step: step, percent: chart.unitIsPercent, format: format)))</text>\n"
            tick += step
        }
        // Target markers (hollow diamonds) joined by a thin dashed line.
        let targetPoints = (0..<count).compactMap { i in targets[i].map { (i, $0) } }
        if targetPoints.count > 1 {
            out += "<polyline fill=\"none\" stroke=\"#c05a00\" stroke-width=\"1\" stroke-dasharray=\"4 3\" points=\"\(targetPoints.map { "\(n(x($0.0))),\(n(y($0.1)))" }.joined(separator: " "))\"/>\n"
        }
        for (i, t) in targetPoints {
            let cx = x(i), cy = y(t)
            out += "<path d=\"M\(n(cx)) \(n(cy - 5))L\(n(cx + 5)) \(n(cy))L\(n(cx)) \(n(cy + 5))L\(n(cx - 5)) \(n(cy))Z\" fill=\"#fff\" stroke=\"#c05a00\" stroke-width=\"1.5\"><title>\(E.escape(words.target + ": " + format.number(chart.targets[i], decimals: chart.decimals, percent: chart.unitIsPercent)))</title></path>\n"
        }
        // The line, broken where a period has no value.
        var runs: [[Int]] = []
        var run: [Int] = []
        for i in 0..<count {
            if values[i] != nil { run.append(i) } else if !run.isEmpty { runs.append(run); run = [] }
        }
        if !run.isEmpty { runs.append(run) }
        for r in runs where r.count > 1 {
            out += "<polyline fill=\"none\" stroke=\"#2f6ea6\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"\(r.map { "\(n(x($0))),\(n(y(values[$0]!)))" }.joined(separator: " "))\"/>\n"
        }
        for i in 0..<count {
            let label = E.escape(chart.points[i].label)
            if let v = values[i] {
                let shown = E.escape(format.number(chart.points[i].value, decimals: chart.decimals, percent: chart.unitIsPercent))
                out += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3.5\" fill=\"#2f6ea6\"><title>\(label): \(shown)</title></circle>"
                // Value above the point, or below when the target marker sits just above it.
                let above = targets[i].map { t in !(y(t) < y(v) && y(v) - y(t) < 16) } ?? true
                let ly = above ? y(v) - 8 : y(v) + 16
                out += "<text x=\"\(n(x(i)))\" y=\"\(n(max(ly, 11)))\" text-anchor=\"middle\" font-size=\"12.5\" font-weight=\"bold\" fill=\"#1d3557\">\(shown)</text>\n"
            } else {
                out += "<text x=\"\(n(x(i)))\" y=\"\(n(top + plotH - 6))\" text-anchor=\"middle\" font-size=\"12.5\" font-style=\"italic\" fill=\"#8a96a6\">\(E.escape(format.notAvailable))</text>\n"
            }
            let lx = x(i), ly = top + plotH + 16
            if rotate {
                out += "<text x=\"\(n(lx))\" y=\"\(n(ly))\" text-anchor=\"end\" font-size=\"12.5\" fill=\"#1b1f24\" transform=\"rotate(-35 \(n(lx)) \(n(ly)))\">\(label)</text>\n"
            } else {
                out += "<text x=\"\(n(lx))\" y=\"\(n(ly))\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#1b1f24\">\(label)</text>\n"
            }
        }
        out += "</svg>\n"
        out += "<div class=\"legend\"><span class=\"swatch-line\"></span>\(E.escape(words.actual))"
        if !targetPoints.isEmpty { out += "<span class=\"swatch-target\"></span>\(E.escape(words.target))" }
        out += "</div>\n</figure>\n"
        return out
    }

    // MARK: - Bars

    static func bars(_ chart: Chart, format: DisplayFormat, words: Words) -> String {
        let rowH = 26.0, top = 6.0
        let labels = chart.points.map { truncate($0.label, 34) }
        let labelW = min(max(Double(labels.map(\.count).max() ?? 0) * 7.2 + 12, 80), 250)
        let valueW = 70.0, width = 560.0
        let barW = width - labelW - valueW - 8
        let height = top * 2 + rowH * Double(chart.points.count)
        let values = chart.points.map { $0.value?.doubleValue }
        var scaleMax = max(values.compactMap { $0 }.max() ?? 0, 0)
        if chart.unitIsPercent { scaleMax = max(scaleMax, 100) }
        if scaleMax == 0 { scaleMax = 1 }

        var out = "<figure class=\"chart bars\">\n<figcaption>\(E.escape(chart.title))</figcaption>\n"
        out += "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(E.escape(chart.title))\">\n"
        out += "<title>\(E.escape(chart.title))</title>\n"
        out += "<line x1=\"\(n(labelW))\" y1=\"\(n(top - 2))\" x2=\"\(n(labelW))\" y2=\"\(n(height - top + 2))\" stroke=\"#8a96a6\" stroke-width=\"1\"/>\n"
        for (i, point) in chart.points.enumerated() {
            let rowTop = top + rowH * Double(i)
            let mid = rowTop + rowH / 2
            out += "<text x=\"\(n(labelW - 8))\" y=\"\(n(mid + 4))\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1f24\">\(E.escape(labels[i]))"
            if labels[i] != point.label { out += "<title>\(E.escape(point.label))</title>" }
            out += "</text>\n"
            if let v = values[i] {
                let w = max(min(v, scaleMax), 0) / scaleMax * barW
                let shown = E.escape(format.number(point.value, decimals: chart.decimals, percent: chart.unitIsPercent))
                out += "<rect x=\"\(n(labelW))\" y=\"\(n(rowTop + 4))\" width=\"\(n(w))\" height=\"\(n(rowH - 8))\" fill=\"#2f6ea6\"><title>\(E.escape(point.label)): \(shown)</title></rect>"
                out += "<text x=\"\(n(labelW + w + 6))\" y=\"\(n(mid + 4))\" font-size=\"13\" font-weight=\"bold\" fill=\"#1d3557\">\(shown)</text>\n"
            } else {
                out += "<text x=\"\(n(labelW + 6))\" y=\"\(n(mid + 4))\" font-size=\"13\" font-style=\"italic\" fill=\"#8a96a6\">\(E.escape(format.notAvailable))</text>\n"
            }
        }
        out += "</svg>\n</figure>\n"
        return out
    }

    // MARK: - Helpers

    /// A number with at most one decimal, no locale, no exponent: stable SVG coordinates.
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// A round axis from `min` to `max` in 3 to 6 steps of 1, 2 or 5 times a power of ten.
    static func axis(min lo: Double, max hi: Double) -> (Double, Double, Double) {
        let span = Swift.max(hi - lo, 1e-9)
        var magnitude = 1.0
        while magnitude * 10 <= span { magnitude *= 10 }
        while magnitude > span { magnitude /= 10 }
        var step = magnitude
        for factor in [0.2, 0.5, 1.0, 2.0, 5.0] where span / (magnitude * factor) <= 5 {
            step = magnitude * factor
            break
        }
        let lower = (lo / step).rounded(.down) * step
        var upper = (hi / step).rounded(.up) * step
        if upper - hi < step * 0.15 { upper += step } // room for the value labels above the top point
        return (lower, upper, step)
    }

    static func axisLabel(_ value: Double, step: Double, percent: Bool, format: DisplayFormat) -> String {
        let decimals = step >= 1 ? 0 : (step >= 0.1 ? 1 : 2)
        let exact = ExactDecimal(value) ?? .zero
        return format.number(exact, decimals: decimals, percent: percent)
    }

    static func truncate(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}
