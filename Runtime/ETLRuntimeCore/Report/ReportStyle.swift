/// The style and script every page of the report and the table viewer carries inline.
enum ReportStyle {
    static let css = """
        :root { --ok: #15803d; --failed: #dc2626; --running: #2563eb; --skipped: #a16207; --line: #d4d4d8; --muted: #71717a; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #18181b;
               background: #fafafa; margin: 0; padding: 0 24px 40px; }
        header { border-bottom: 1px solid var(--line); margin-bottom: 8px; }
        h1 { font-size: 22px; margin: 18px 0 4px; }
        h2 { font-size: 17px; margin: 26px 0 8px; }
        h3 { font-size: 14px; margin: 14px 0 6px; }
        nav a { margin-right: 12px; }
        a { color: #1d4ed8; }
        code { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; }
        pre { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-word; margin: 0; max-width: 70ch; }
        .meta, .muted { color: var(--muted); }
        table.grid { border-collapse: collapse; background: #fff; }
        table.grid th, table.grid td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        table.grid th { background: #f4f4f5; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 9px; color: #fff; font-size: 12px; background: var(--muted); }
        .badge.run-ok { background: var(--ok); } .badge.run-failed { background: var(--failed); }
        .badge.run-running { background: var(--running); } .badge.run-skipped { background: var(--skipped); }
        .badge.fresh-ok { background: var(--ok); } .badge.fresh-warn { background: var(--skipped); }
        .badge.fresh-error { background: var(--failed); } .freshness-check { font-size: 12px; color: var(--muted); }
        .entry-charts { display: inline-block; vertical-align: top; margin: 0 18px 12px 0; background: #fff;
                        border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
        figure { display: inline-block; margin: 0 8px 0 0; }
        figcaption { font-size: 12px; color: var(--muted); text-align: center; }
        svg .axis { stroke: #a1a1aa; stroke-width: 1; }
        svg .tick { font-size: 10px; fill: var(--muted); }
        svg rect.run-ok, svg circle.run-ok { fill: #3b82f6; }
        svg rect.run-failed, svg circle.run-failed { fill: var(--failed); }
        svg rect.run-running, svg circle.run-running { fill: #93c5fd; }
        svg rect.run-skipped, svg circle.run-skipped { fill: var(--skipped); }
        svg .trend { fill: none; stroke: #f97316; stroke-width: 2; }
        svg circle.run-ok { fill: #f97316; }
        .dag .edge { fill: none; stroke: #71717a; stroke-width: 1.5; }
        .dag .arrowhead { fill: #71717a; }
        .dag .node rect { fill: #fff; stroke-width: 2; stroke: var(--muted); }
        .dag .node.run-ok rect { stroke: var(--ok); fill: #f0fdf4; }
        .dag .node.run-failed rect { stroke: var(--failed); fill: #fef2f2; }
        .dag .node.run-running rect { stroke: var(--running); fill: #eff6ff; }
        .dag .node.run-skipped rect { stroke: var(--skipped); fill: #fefce8; }
        .dag .node.never rect { stroke-dasharray: 4 3; fill: #fff; }
        .dag .node-id { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; fill: #18181b; }
        .dag .node-status { font-size: 11px; fill: var(--muted); }
        .scroll { overflow-x: auto; }
        form.filter { margin: 8px 0; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
        form.filter input, form.filter select { font: inherit; padding: 2px 4px; }
        .pager { margin: 8px 0; display: flex; gap: 12px; align-items: center; }
        .problem { border: 1px solid var(--failed); background: #fef2f2; padding: 8px 12px; border-radius: 6px; }
        td.null { color: var(--muted); font-style: italic; }
        """

    /// Keeps the "age" cells counting from their `data-since` while the page stays open, and the
    /// freshness checks' ages and levels with them (the rules of `FreshnessThresholds.level`:
    /// past `data-error-after` seconds error, past `data-warn-after` warn; a level only rises, so
    /// the runtime's verdict is the least a check shows), then marks the page ready (what the
    /// browser tests wait for).
    static let script = """
        (function () {
          "use strict";
          function span(seconds) {
            var whole = Math.round(seconds);
            if (seconds < 10) { return seconds.toFixed(2) + " s"; }
            var d = Math.floor(whole / 86400), h = Math.floor(whole % 86400 / 3600), m = Math.floor(whole % 3600 / 60), s = whole % 60;
            if (d > 0) { return h > 0 ? d + " d " + h + " h" : d + " d"; }
            if (h > 0) { return m > 0 ? h + " h " + m + " min" : h + " h"; }
            if (m > 0) { return s > 0 ? m + " min " + s + " s" : m + " min"; }
            return s + " s";
          }
          function refreshAges() {
            var cells = document.querySelectorAll("[data-since]");
            for (var i = 0; i < cells.length; i++) {
              var since = Date.parse(cells[i].getAttribute("data-since"));
              if (!isNaN(since)) { cells[i].textContent = span(Math.max(0, (Date.now() - since) / 1000)); }
            }
          }
          function freshAge(seconds) {
            var whole = Math.max(0, Math.floor(seconds));
            var d = Math.floor(whole / 86400), h = Math.floor(whole % 86400 / 3600), m = Math.floor(whole % 3600 / 60), s = whole % 60;
            if (d > 0) { return d + "d" + h + "h"; }
            if (h > 0) { return h + "h" + m + "m"; }
            if (m > 0) { return m + "m" + s + "s"; }
            return s + "s";
          }
          var levels = ["ok", "warn", "error"];
          function limitPassed(check, name, age) {
            var limit = check.getAttribute(name);
            return limit !== null && age > Number(limit);
          }
          function refreshFreshness() {
            var cells = document.querySelectorAll("td[data-freshness]");
            for (var i = 0; i < cells.length; i++) {
              var worst = levels.indexOf(cells[i].getAttribute("data-freshness"));
              var checks = cells[i].querySelectorAll("[data-since-ms]");
              for (var j = 0; j < checks.length; j++) {
                var check = checks[j];
                var age = Math.max(Number(check.getAttribute("data-age-seconds")), (Date.now() - Number(check.getAttribute("data-since-ms"))) / 1000);
                if (isNaN(age)) { continue; }
                var level = Math.max(levels.indexOf(check.getAttribute("data-level")),
                  limitPassed(check, "data-error-after", age) ? 2 : limitPassed(check, "data-warn-after", age) ? 1 : 0);
                check.setAttribute("data-level", levels[level]);
                var text = check.querySelector(".fresh-age");
                if (text) { text.textContent = freshAge(age); }
                worst = Math.max(worst, level);
              }
              if (worst < 0) { continue; }
              cells[i].setAttribute("data-freshness", levels[worst]);
              var badge = cells[i].querySelector(".badge");
              if (badge) { badge.className = "badge fresh-" + levels[worst]; badge.textContent = levels[worst]; }
            }
          }
          function refresh() {
            refreshAges();
            refreshFreshness();
          }
          refresh();
          setInterval(refresh, 30000);
          document.documentElement.setAttribute("data-ready", "yes");
        })();
        """
}
