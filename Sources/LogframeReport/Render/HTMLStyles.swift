// The one stylesheet of HTML reports, inlined into every file (no fonts or files from anywhere).
// Sober on purpose: navy headings, thin rules, tinted results-chain bands, status pills that say
// their status in words. Screen first (a phone scrolls wide tables inside their wrapper), then
// print: A4 landscape, table headers repeated on every page, no row split across pages.

enum HTMLStyles {
    static let css = """
:root {
  --ink: #1b1f24;
  --muted: #5a6472;
  --rule: #c9d1db;
  --rule-light: #e3e8ee;
  --navy: #1d3557;
  --band-0: #1d3557;
  --band-1: #d6e0ec;
  --band-2: #e8eef5;
  --band-3: #f3f6fa;
  --bar: #2f6ea6;
  --bar-track: #e3e8ee;
  --target: #c05a00;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0 auto;
  padding: 1.5rem 1.25rem 3rem;
  max-width: 78rem;
  font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, "Liberation Sans", sans-serif;
  font-size: 15px;
  line-height: 1.45;
  color: var(--ink);
  background: #fff;
}
.report-header { border-bottom: 3px solid var(--navy); padding-bottom: 0.75rem; margin-bottom: 1.25rem; }
h1 { font-size: 1.65em; line-height: 1.2; margin: 0 0 0.5em; color: var(--navy); }
h2, h3, h4, h5, h6 { color: var(--navy); line-height: 1.25; margin: 1.6em 0 0.6em; }
h2 { font-size: 1.35em; border-bottom: 1px solid var(--rule); padding-bottom: 0.25em; }
h3 { font-size: 1.15em; }
h4 { font-size: 1em; }
h5, h6 { font-size: 0.95em; }
.meta { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2em 1.5em; color: var(--muted); font-size: 0.93em; }
p { margin: 0.5rem 0; max-width: 60rem; }
dl.fields { display: grid; grid-template-columns: minmax(8rem, 16rem) 1fr; margin: 0.5rem 0 1rem; border-top: 1px solid var(--rule-light); }
dl.fields > div { display: contents; }
dl.fields dt, dl.fields dd { margin: 0; padding: 0.35rem 0.6rem 0.35rem 0; border-bottom: 1px solid var(--rule-light); }
dl.fields dt { font-weight: bold; color: var(--navy); }

.table-wrap { overflow-x: auto; margin: 0.75rem 0 0.25rem; -webkit-overflow-scrolling: touch; }
table.report {
  width: 100%;
  min-width: min(calc(var(--cols, 4) * 6.5em), 100rem);
  border-collapse: collapse;
  font-size: 0.87em;
}
table.report caption { caption-side: top; text-align: left; font-weight: bold; color: var(--navy); padding: 0 0 0.4em; }
table.report th, table.report td { padding: 0.35em 0.5em; border: 1px solid var(--rule); vertical-align: top; text-align: left; overflow-wrap: break-word; }
table.report thead th { background: var(--navy); color: #fff; font-weight: bold; vertical-align: bottom; border-color: #3c5577; }
table.report thead th.span { text-align: center; }
table.report tbody tr.data:nth-child(even) td { background: #fafbfc; }
table.report .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums lining-nums; }
/* A numeric column's header aligns with its figures but still wraps (long EU headings). */
table.report th.num { white-space: normal; }
table.report .na { color: var(--muted); font-style: italic; }
table.report tr.group td { font-weight: bold; border-color: var(--rule); }
table.report tr.group.d0 td { background: var(--band-0); color: #fff; border-color: var(--band-0); }
table.report tr.group.d1 td { background: var(--band-1); }
table.report tr.group.d2 td { background: var(--band-2); }
table.report tr.group.d3 td { background: var(--band-3); font-weight: 600; }
table.report tr.detail td { font-size: 0.9em; color: #4a5361; }
table.report tr.total td { font-weight: bold; border-top: 2px solid var(--navy); background: #f1f4f8; }
table.report td.long { min-width: 14em; }
td.progress { white-space: nowrap; min-width: 8.5em; }
td.progress svg { display: inline-block; width: 4.5em; height: 0.7em; vertical-align: middle; margin-right: 0.4em; }
td.progress .value { display: inline-block; min-width: 3.6em; text-align: right; font-variant-numeric: tabular-nums; }
.pill { display: inline-block; padding: 0 0.55em; border-radius: 0.8em; border: 1px solid; font-size: 0.92em; line-height: 1.45; font-weight: bold; white-space: nowrap; }
.pill::before { content: ""; display: inline-block; width: 0.5em; height: 0.5em; border-radius: 50%; background: currentColor; margin-right: 0.35em; vertical-align: 0.08em; }
.pill.green { background: #e3f2e7; color: #1c6530; border-color: #9fcfab; }
.pill.amber { background: #fdf1d8; color: #7f4d00; border-color: #e8c27a; }
.pill.red { background: #fbe4e2; color: #9e2419; border-color: #e8a49d; }
.pill.grey { background: #eceef1; color: #4a5360; border-color: #c3c9d1; }
.pill.blue { background: #e2ecf8; color: #1c4f8c; border-color: #9dbbe0; }
.footnotes { list-style: none; margin: 0.3em 0 1em; padding: 0; font-size: 0.8em; color: var(--muted); }
.footnotes li { margin: 0.1rem 0; }

figure.chart { margin: 1rem 0; max-width: 40rem; overflow-x: auto; }
figure.chart figcaption { font-weight: bold; color: var(--navy); font-size: 0.95em; margin-bottom: 0.3em; }
figure.chart svg { display: block; width: 100%; height: auto; font-family: inherit; }
figure.chart .legend { font-size: 0.8em; color: var(--muted); margin-top: 0.2rem; }
figure.chart .legend .swatch-line { display: inline-block; width: 1.4em; height: 0; border-top: 2px solid var(--bar); vertical-align: middle; margin-right: 0.3em; }
figure.chart .legend .swatch-target { display: inline-block; width: 0.6em; height: 0.6em; border: 2px solid var(--target); transform: rotate(45deg); margin: 0 0.35em 0 1em; vertical-align: 0.05em; }

footer.notes { margin-top: 2em; border-top: 1px solid var(--rule); font-size: 0.9em; color: #333a44; }
footer.audit table.report { font-size: 0.72em; }
footer.audit table.report th, footer.audit table.report td { padding: 0.1em 0.4em; }

@media (max-width: 40rem) {
  body { padding: 1rem 0.75rem 2rem; font-size: 14px; }
  h1 { font-size: 1.3em; }
  h2 { font-size: 1.12em; }
  dl.fields { grid-template-columns: 1fr; }
  dl.fields dt { border-bottom: 0; padding-bottom: 0; }
  table.report td.long { min-width: 11em; }
  figure.chart svg { min-width: 26rem; }
}

@page {
  size: A4 landscape;
  margin: 12mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 8pt; color: #5a6472; }
}
@media print {
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h1 { font-size: 16pt; }
  h2 { font-size: 12.5pt; }
  h3 { font-size: 11pt; }
  h1, h2, h3, h4, h5, h6, caption, figcaption { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  .table-wrap { overflow: visible; }
  /* Wide tables (an IPTT has 20+ columns) get a smaller type so they fit the page width. */
  table.report { min-width: 0; font-size: clamp(6.2pt, calc(10.5pt - var(--cols, 8) * 0.17pt), 8.5pt); }
  table.report th, table.report td { padding: 0.25em 0.35em; }
  table.report td.long { min-width: 10em; }
  table.report .pill { white-space: normal; padding: 0 0.45em; }
  td.progress { min-width: 0; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  tr.group { break-after: avoid; page-break-after: avoid; }
  figure.chart, dl.fields > div, .footnotes { break-inside: avoid; page-break-inside: avoid; }
  figure.chart { max-width: 150mm; overflow: visible; }
  p { orphans: 3; widows: 3; }
}
"""
}
