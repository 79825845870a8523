/* report.js -- draws the triscope HTML report from the embedded JSON profile.
 *
 * The page (template.html) holds two JSON documents: the profile exactly as
 * `triscope --json` writes it (schema: docs/json-schema.md) and the options
 * the report was written with ({reduced, cpu_percent_threshold,
 * malloc_threshold_mb, matters}, native/profile/report_html.c).  This
 * script builds the whole page from them with createElement and
 * textContent.  It never assigns innerHTML or uses document.write, so the
 * profiled program's source text and file names -- which may contain
 * markup such as a closing script tag or an image with an onerror
 * handler -- are always shown as text.  It loads
 * nothing: no network, no other file; the page works from file://.
 *
 * What it shows mirrors the text report (native/profile/report_text.c):
 * percentages of all time charged, hot rows at >= max(threshold, 10)%, the
 * reduced view keeping the lines and functions that the options' "matters"
 * lists (the writer decides them by the one reduced-profile rule,
 * ts_report_shown in native/profile/report_common.c; this script never
 * applies the thresholds itself), memory and GPU columns only when the
 * profile has them.  Any column sorts when its header is clicked.
 *
 * Opened with "#selftest" in the URL, the page also exercises itself
 * (sorting, the reduced toggle, escaping) and writes the verdict into a
 * pre element with the id "selftest"; the test suite reads it from headless Chromium's
 * --dump-dom output (tests/python/test_report_html.py).
 */
(function () {
  "use strict";

  var HOT_MIN_PERCENT = 10;
  var SHOWN_MB = 1;
  var BLANK_MB = 0.05;

  /* ---- small DOM helpers: text only, never markup ---- */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function add(parent, child) {
    parent.appendChild(child);
    return child;
  }

  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : 0;
  }

  function fixed(v, d) {
    return num(v).toFixed(d);
  }

  function pctText(p) {
    return p >= 0.5 ? fixed(Math.min(p, 100), 1) + "%" : "";
  }

  function mbText(mb) {
    if (!(mb >= BLANK_MB)) return "";
    if (mb < 999.95) return fixed(mb, 1);
    if (mb < 999999.5) return fixed(mb, 0);
    return fixed(mb / 1024, 0) + "G";
  }

  function seconds(s) {
    return fixed(s, 2) + "s";
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  /* ---- charts: canvas, so nothing needs a namespace or a URL ---- */

  function drawTimeline(canvas, points, cssWidth, cssHeight, filled) {
    var ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
    canvas.style.width = cssWidth + "px";
    canvas.style.height = cssHeight + "px";
    var ctx = canvas.getContext && canvas.getContext("2d");
    if (!ctx || !points.length) return;
    ctx.scale(ratio, ratio);
    var t0 = num(points[0][0]), t1 = num(points[points.length - 1][0]);
    var peak = 0;
    points.forEach(function (p) { peak = Math.max(peak, num(p[1])); });
    if (!(peak > 0)) return;
    var span = t1 > t0 ? t1 - t0 : 1;
    var pad = 1;
    function x(p, i) {
      return points.length === 1 ? cssWidth / 2
        : pad + (t1 > t0 ? (num(p[0]) - t0) / span : i / (points.length - 1)) * (cssWidth - 2 * pad);
    }
    function y(p) { return cssHeight - pad - num(p[1]) / peak * (cssHeight - 2 * pad); }
    var color = getComputedStyle(canvas).color || "#36c";
    ctx.beginPath();
    points.forEach(function (p, i) {
      if (i === 0) ctx.moveTo(x(p, i), y(p)); else ctx.lineTo(x(p, i), y(p));
    });
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    if (filled) {
      ctx.lineTo(x(points[points.length - 1], points.length - 1), cssHeight);
      ctx.lineTo(x(points[0], 0), cssHeight);
      ctx.closePath();
      ctx.globalAlpha = 0.2;
      ctx.fillStyle = color;
      ctx.fill();
    }
  }

  /* ---- the model the page works on ---- */

  function total(rec) {
    return num(rec.n_cpu_percent_python) + num(rec.n_cpu_percent_c) + num(rec.n_sys_percent);
  }

  /* The key of a line record (its number) or a function record (number
   * and name) in the sets below. */
  function recordKey(r, forFunctions) {
    var key = String(num(r.lineno));
    return forFunctions ? key + "\n" + (typeof r.line === "string" ? r.line : "") : key;
  }

  /* What the reduced view keeps of a file, from the options' "matters":
   * {"<path>": {"lines": [lineno, ...], "functions": [[lineno, name], ...]}},
   * as a set of record keys. */
  function keptRecords(options, path, forFunctions) {
    var kept = Object.create(null);
    var all = options.matters && typeof options.matters === "object" ? options.matters : {};
    var file = Object.prototype.hasOwnProperty.call(all, path) ? all[path] : null;
    var list = file && typeof file === "object" ? (forFunctions ? file.functions : file.lines) : null;
    if (!Array.isArray(list)) return kept;
    list.forEach(function (e) {
      var r = forFunctions ? (Array.isArray(e) ? { lineno: e[0], line: e[1] } : {}) : { lineno: e };
      kept[recordKey(r, forFunctions)] = true;
    });
    return kept;
  }

  /* Columns of the line and function tables: label, group, value of a
   * record (for sorting), and how to draw the cell. */
  function columns(profile, forFunctions) {
    var virtual = profile.triscope && profile.triscope.mode === "virtual";
    var cols = [
      { key: "lineno", label: "Line", cls: "num lineno", value: function (r) { return num(r.lineno); },
        text: function (r) { return String(num(r.lineno)); } },
      { key: "time", label: "total", group: "time", cls: "bar", value: total, draw: drawTimeBar,
        title: "Python + native + system, % of all time" },
      { key: "python", label: "Python", group: "time", cls: "num", value: function (r) { return num(r.n_cpu_percent_python); },
        text: function (r) { return pctText(num(r.n_cpu_percent_python)); } },
      { key: "native", label: "native", group: "time", cls: "num", value: function (r) { return num(r.n_cpu_percent_c); },
        text: function (r) { return pctText(num(r.n_cpu_percent_c)); } }
    ];
    if (!virtual) {
      cols.push({ key: "system", label: "system", group: "time", cls: "num", value: function (r) { return num(r.n_sys_percent); },
        text: function (r) { return pctText(num(r.n_sys_percent)); } });
    }
    if (profile.memory) {
      cols.push(
        { key: "mb", label: "MB", group: "memory", cls: "num", value: function (r) { return num(r.n_malloc_mb); },
          text: function (r) { return mbText(num(r.n_malloc_mb)); }, title: "MB allocated (sampled)" },
        { key: "pyshare", label: "Python", group: "memory", cls: "num", value: function (r) { return num(r.n_python_fraction); },
          text: function (r) { return num(r.n_malloc_mb) >= BLANK_MB ? fixed(num(r.n_python_fraction) * 100, 0) + "%" : ""; },
          title: "Python's share of the MB allocated" },
        { key: "peak", label: "peak", group: "memory", cls: "num", value: function (r) { return num(r.n_peak_mb); },
          text: function (r) { return mbText(num(r.n_peak_mb)); }, title: "peak live MB" });
      if (!forFunctions) {
        cols.push({ key: "timeline", label: "timeline", group: "memory", cls: "spark",
          value: function (r) { return (r.memory_samples || []).length; }, draw: drawSpark,
          title: "live MB over time" });
      }
      cols.push({ key: "copy", label: "copy MB/s", group: "memory", cls: "num", value: function (r) { return num(r.n_copy_mb_s); },
        text: function (r) { return mbText(num(r.n_copy_mb_s)); } });
    }
    if (profile.gpu) {
      cols.push(
        { key: "gpu", label: "GPU %", group: "gpu", cls: "num", value: function (r) { return num(r.n_gpu_percent); },
          text: function (r) { return pctText(num(r.n_gpu_percent)); } },
        { key: "gpumem", label: "GPU MB", group: "gpu", cls: "num", value: function (r) { return num(r.n_gpu_peak_memory_mb); },
          text: function (r) { return mbText(num(r.n_gpu_peak_memory_mb)); }, title: "peak GPU memory" });
    }
    cols.push({ key: "source", label: forFunctions ? "function" : "source", cls: forFunctions ? "fn" : "src",
      value: function (r) { return typeof r.line === "string" ? r.line : ""; },
      text: function (r) { return typeof r.line === "string" ? r.line : ""; } });
    return cols;
  }

  function drawTimeBar(td, r) {
    if (!(total(r) > 0)) return;
    var bar = add(td, el("div", "timebar"));
    [["py", num(r.n_cpu_percent_python)], ["nat", num(r.n_cpu_percent_c)], ["sys", num(r.n_sys_percent)]]
      .forEach(function (part) {
        if (part[1] <= 0) return;
        var s = add(bar, el("span", part[0]));
        s.style.width = Math.max(0.5, Math.min(100, part[1])) + "%";
      });
    var t = total(r);
    add(td, el("span", "barlabel", pctText(t)));
    td.title = "Python " + fixed(r.n_cpu_percent_python, 1) + "%, native " + fixed(r.n_cpu_percent_c, 1) +
      "%, system " + fixed(r.n_sys_percent, 1) + "%";
  }

  function drawSpark(td, r) {
    var pts = Array.isArray(r.memory_samples) ? r.memory_samples.filter(function (p) {
      return Array.isArray(p) && p.length >= 2;
    }) : [];
    if (!pts.length) return;
    var c = add(td, el("canvas", "sparkline"));
    drawTimeline(c, pts, 72, 16, false);
  }

  /* ---- tables ---- */

  function buildTable(state, profile, records, forFunctions, leaks, kept) {
    var cols = columns(profile, forFunctions);
    var table = el("table", forFunctions ? "functions" : "lines");
    var thead = add(table, el("thead"));
    var groups = add(thead, el("tr", "groups"));
    var names = add(thead, el("tr", "names"));
    var groupNames = { time: "Time", memory: "Memory", gpu: "GPU" };
    var i = 0;
    while (i < cols.length) {
      var g = cols[i].group, span = 1;
      while (i + span < cols.length && g && cols[i + span].group === g) span++;
      var th = add(groups, el("th", g ? "group " + g : "", g ? groupNames[g] : ""));
      th.colSpan = span;
      i += span;
    }
    var tbody = add(table, el("tbody"));
    var rows = records.map(function (r, index) {
      var tr = el("tr");
      var hot = total(r) >= state.hot;
      if (hot) tr.className = "hot";
      var leak = leaks && leaks[String(r.lineno)];
      cols.forEach(function (c) {
        var td = add(tr, el("td", c.cls));
        if (c.draw) c.draw(td, r);
        else td.textContent = c.text(r);
        if (c.key === "source" && leak) {
          var badge = el("span", "leakbadge", "leak " + fixed(num(leak.likelihood) * 100, 0) + "%");
          badge.title = "possible leak, growing " + fixed(leak.velocity_mb_s, 2) + " MB/s";
          td.insertBefore(badge, td.firstChild);
          tr.className += " leak";
        }
      });
      add(tbody, tr);
      return { tr: tr, rec: r, index: index, matters: kept[recordKey(r, forFunctions)] === true };
    });
    cols.forEach(function (c, k) {
      var th = add(names, el("th", c.cls + " sortable", c.label));
      th.setAttribute("data-key", c.key);
      th.title = (c.title ? c.title + "; " : "") + "click to sort";
      th.tabIndex = 0;
      function sort() {
        var desc = th.getAttribute("aria-sort") !== "descending";
        if (c.key === "lineno" || c.key === "source") desc = th.getAttribute("aria-sort") === "ascending";
        names.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        var sorted = rows.slice().sort(function (a, b) {
          var va = c.value(a.rec), vb = c.value(b.rec);
          var d = typeof va === "string" ? (va < vb ? -1 : va > vb ? 1 : 0) : va - vb;
          if (desc) d = -d;
          return d || a.index - b.index;
        });
        sorted.forEach(function (row) { tbody.appendChild(row.tr); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
      if (k === 0) th.setAttribute("aria-sort", "ascending");
    });
    return { table: table, rows: rows };
  }

  /* ---- the page ---- */

  function summaryItem(dl, term, value) {
    var item = add(dl, el("div", "item"));
    add(item, el("dt", null, term));
    add(item, el("dd", null, value));
  }

  function render(profile, options) {
    var root = document.getElementById("report");
    var tri = profile.triscope || {};
    var threshold = num(options.cpu_percent_threshold);
    if (num(options.malloc_threshold_mb) > 0) SHOWN_MB = num(options.malloc_threshold_mb);
    var state = {
      threshold: threshold,
      hot: Math.max(threshold, HOT_MIN_PERCENT),
      reduced: !!options.reduced,
      tables: []
    };
    var program = typeof profile.program === "string" ? profile.program : "(unknown program)";
    document.title = "triscope: " + program;

    var header = add(root, el("header"));
    var h1 = add(header, el("h1"));
    add(h1, el("span", "brand", "triscope"));
    add(h1, el("span", "program", program));
    var dl = add(header, el("dl", "summary"));
    summaryItem(dl, "elapsed", seconds(profile.elapsed_time_sec));
    if (tri.total_time_s !== undefined) summaryItem(dl, "time charged", seconds(tri.total_time_s));
    if (tri.n_samples !== undefined) summaryItem(dl, "samples", String(num(tri.n_samples)));
    summaryItem(dl, "mode", tri.mode === "virtual" ? "virtual (CPU only)" : tri.mode === "wall" ? "wall-clock" : "Scalene profile");
    if (tri.python_version) summaryItem(dl, "Python", String(tri.python_version));
    if (tri.n_threads) summaryItem(dl, "threads", String(num(tri.n_threads)));
    if (profile.memory) {
      var peak = mbText(num(profile.max_footprint_mb)) || "0.0";
      var where = profile.max_footprint_fname ? " at " + profile.max_footprint_fname + ":" + num(profile.max_footprint_lineno) : "";
      summaryItem(dl, "peak memory", peak + " MB (" + fixed(num(profile.max_footprint_python_fraction) * 100, 0) + "% Python)" + where);
      summaryItem(dl, "growth", fixed(profile.growth_rate, 1) + "%");
    }
    if (profile.gpu) {
      summaryItem(dl, "GPU", (tri.gpu_name || profile.gpu_device || "present") + (tri.gpu_mode ? " (" + tri.gpu_mode + ")" : ""));
    }
    if (num(tri.n_dropped) > 0) {
      add(header, el("p", "warning", num(tri.n_dropped) + " samples were dropped; percentages are less certain."));
    }
    if (profile.memory && Array.isArray(profile.samples) && profile.samples.length) {
      var fig = add(header, el("figure", "footprint"));
      add(fig, el("figcaption", null, "Memory footprint over the run (peak " + (mbText(num(profile.max_footprint_mb)) || "0.0") + " MB)"));
      var canvas = add(fig, el("canvas", "footprint-chart"));
      drawTimeline(canvas, profile.samples.filter(function (p) { return Array.isArray(p) && p.length >= 2; }),
                   Math.min(720, Math.max(240, (root.clientWidth || 800) - 40)), 90, true);
    }

    var files = profile.files && typeof profile.files === "object" ? profile.files : {};
    var leakList = [];
    Object.keys(files).forEach(function (path) {
      var leaks = files[path] && files[path].leaks;
      if (leaks && typeof leaks === "object") {
        Object.keys(leaks).forEach(function (ln) {
          leakList.push({ path: path, lineno: ln, leak: leaks[ln] || {} });
        });
      }
    });
    if (leakList.length) {
      var box = add(header, el("section", "leaks"));
      add(box, el("h2", null, "Possible leaks"));
      var ul = add(box, el("ul"));
      leakList.forEach(function (l) {
        add(ul, el("li", null, l.path + ":" + l.lineno + " \u2014 likelihood " + fixed(num(l.leak.likelihood) * 100, 0) +
          "%, growing " + fixed(l.leak.velocity_mb_s, 2) + " MB/s"));
      });
    }

    var controls = add(root, el("nav", "controls"));
    var label = add(controls, el("label"));
    var toggle = add(label, el("input"));
    toggle.type = "checkbox";
    toggle.id = "reduced-toggle";
    toggle.checked = state.reduced;
    add(label, el("span", null, " only lines that matter (\u2265 " + fixed(threshold, 1) + "% of the time" +
      (profile.memory ? ", or \u2265 " + SHOWN_MB + " MB allocated" : "") + ")"));
    var legend = add(controls, el("span", "legend"));
    add(legend, el("span", "key py", "Python"));
    add(legend, el("span", "key nat", "native"));
    if (tri.mode !== "virtual") add(legend, el("span", "key sys", "system"));
    add(legend, el("span", "key hotkey", "hot: \u2265 " + fixed(state.hot, 1) + "%"));
    add(controls, el("span", "hint", "Click a column header to sort."));

    var names = Object.keys(files);
    if (!names.length) add(root, el("p", "empty", "No profiled file has any time or memory."));
    names.forEach(function (path) {
      var f = files[path] || {};
      var section = add(root, el("section", "file"));
      var h2 = add(section, el("h2"));
      add(h2, el("span", "path", path));
      add(h2, el("span", "share", fixed(f.percent_cpu_time, 1) + "% of the time (" +
        seconds(num(f.percent_cpu_time) * num(tri.total_time_s) / 100) + ")"));
      var lines = Array.isArray(f.lines) ? f.lines.filter(function (r) { return r && typeof r === "object"; }) : [];
      var fns = Array.isArray(f.functions) ? f.functions.filter(function (r) { return r && typeof r === "object"; }) : [];
      var lt = buildTable(state, profile, lines, false, f.leaks, keptRecords(options, path, false));
      lt.section = section;
      var wrap = add(section, el("div", "tablewrap"));
      add(wrap, lt.table);
      state.tables.push(lt);
      if (fns.length) {
        var details = add(section, el("details", "fnsummary"));
        details.open = true;
        add(details, el("summary", null, "Functions (" + fns.length + ")"));
        var ft = buildTable(state, profile, fns, true, null, keptRecords(options, path, true));
        add(add(details, el("div", "tablewrap")), ft.table);
        state.tables.push(ft);
      }
    });

    function applyReduced() {
      state.reduced = toggle.checked;
      state.tables.forEach(function (t) {
        var shown = 0;
        t.rows.forEach(function (row) {
          var hide = state.reduced && !row.matters;
          row.tr.hidden = hide;
          if (!hide) shown++;
        });
        if (t.section) t.section.classList.toggle("idle", shown === 0);
      });
    }
    toggle.addEventListener("change", applyReduced);
    applyReduced();
    return state;
  }

  /* ---- #selftest: the page checks itself (see the file comment) ---- */

  function selftest(state) {
    var out = [];
    function check(name, ok) { out.push((ok ? "ok " : "FAIL ") + name); }
    var table = document.querySelector("table.lines");
    check("a line table exists", !!table);
    if (table) {
      var th = table.querySelector('th[data-key="time"]');
      var col = Array.prototype.indexOf.call(th.parentNode.children, th);
      function values() {
        return Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
          var label = tr.cells[col].querySelector(".barlabel");
          return label && label.textContent ? parseFloat(label.textContent) : 0;
        });
      }
      th.click();
      var v = values();
      check("click sorts descending", v.every(function (x, i) { return i === 0 || v[i - 1] >= x; }) && v[0] > 0);
      check("header marked descending", th.getAttribute("aria-sort") === "descending");
      th.click();
      v = values();
      check("second click sorts ascending", v.every(function (x, i) { return i === 0 || v[i - 1] <= x; }));
      var lineTh = table.querySelector('th[data-key="lineno"]');
      lineTh.click();
      var ln = Array.prototype.map.call(table.tBodies[0].rows, function (tr) { return parseInt(tr.cells[0].textContent, 10); });
      check("line header restores line order", ln.every(function (x, i) { return i === 0 || ln[i - 1] < x; }));
    }
    var toggle = document.getElementById("reduced-toggle");
    var before = document.querySelectorAll("table.lines tbody tr:not([hidden])").length;
    toggle.checked = !toggle.checked;
    toggle.dispatchEvent(new Event("change"));
    var after = document.querySelectorAll("table.lines tbody tr:not([hidden])").length;
    check("reduced toggle changes the rows shown", before !== after);
    toggle.checked = !toggle.checked;
    toggle.dispatchEvent(new Event("change"));
    check("toggling back restores them", document.querySelectorAll("table.lines tbody tr:not([hidden])").length === before);
    check("only the page's own scripts exist", document.scripts.length === 3);
    check("no image elements", document.images.length === 0);
    check("no injected code ran", window.__pwned === undefined);
    var sources = Array.prototype.map.call(document.querySelectorAll("td.src"), function (td) { return td.textContent; });
    var markup = sources.filter(function (s) { return s.indexOf("<") >= 0; });
    out.push("markup lines shown as text: " + markup.length);
    var hot = Array.prototype.map.call(document.querySelectorAll("table.lines tr.hot td.src"), function (td) { return td.textContent; });
    out.push("hot lines: " + JSON.stringify(hot));
    var failed = out.some(function (l) { return l.indexOf("FAIL ") === 0; });
    var pre = add(document.body, el("pre"));
    pre.id = "selftest";
    pre.textContent = "SELFTEST " + (failed ? "FAILED" : "PASSED") + "\n" + out.join("\n") + "\n";
  }

  function main() {
    var profile = readJSON("profile");
    var options = readJSON("options") || {};
    var root = document.getElementById("report");
    if (!profile || typeof profile !== "object" || !profile.files) {
      add(root, el("p", "error", "This report holds no readable profile."));
      return;
    }
    var state = render(profile, options);
    if (location.hash === "#selftest") selftest(state);
  }

  main();
})();
