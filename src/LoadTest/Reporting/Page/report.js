(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var runs = report.runs;
  var many = runs.length > 1;
  // Past four runs (the steps of a capacity search), each run gets a colour of its own and each chart keeps only
  // the measures that tell runs apart, told apart by dash: a chart of forty look-alike lines reads as none.
  var crowd = runs.length > 4;
  var main = document.getElementById('charts');
  // Runs differ by dash, measures by colour, so an overlay reads as "same colour, other run".
  var dashes = [[], [10, 5], [2, 4], [14, 4, 3, 4], [6, 3, 2, 3, 2, 3]];
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var measureColors = { P50: '#2ca02c', P90: '#1f77b4', P99: '#ff7f0e', Max: '#d62728' };
  var charts = 0;

  function named(r, what) { return many ? runs[r].label + ' ' + what : what; }

  function runColor(r) { return palette[r % palette.length]; }

  function number(digits) {
    return function (u, v) { return v == null ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits }); };
  }

  function seconds(v) {
    if (Math.abs(v) < 120) { return +v.toFixed(3) + ' s'; }
    var s = Math.round(v), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), rest = s % 60;
    var mm = (h > 0 && m < 10 ? '0' : '') + m, ss = (rest < 10 ? '0' : '') + rest;
    return (h > 0 ? h + ':' : '') + mm + ':' + ss;
  }

  // 1/(1-p) back to a percentile: 10 is 90 %, 1000 is 99.9 %.
  function percentile(v) {
    if (v <= 1) { return '0%'; }
    var digits = Math.max(0, Math.ceil(Math.log10(v) - 1e-9) - 2);
    return (100 * (1 - 1 / v)).toFixed(digits) + '%';
  }

  // One colour per key (error kind, status code) across all runs.
  function keyColors(field) {
    var keys = [];
    runs.forEach(function (run) { Object.keys(run[field]).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } }); });
    keys.sort();
    var colors = {};
    keys.forEach(function (k, i) { colors[k] = palette[i % palette.length]; });
    return { keys: keys, colors: colors };
  }

  function chart(id, title, yLabel, pieces, options) {
    var section = document.createElement('section');
    section.className = 'chart';
    section.id = id;
    var heading = document.createElement('h2');
    heading.textContent = title;
    section.appendChild(heading);
    main.appendChild(section);

    // Each piece has its own x values; uPlot.join lines them up, leaving the others' points undefined (spanned).
    var data = uPlot.join(pieces.map(function (p) { return [p.x, p.y]; }));
    var series = [{ label: options.xName, value: options.xValue }];
    pieces.forEach(function (p) {
      series.push({ label: p.label, stroke: p.color, dash: p.dash || dashes[p.run % dashes.length], width: 1.5, value: options.yValue, points: { show: false } });
    });
    var width = Math.max(480, Math.min(1200, (main.clientWidth || 960) - 8));
    var placeStages = null;
    var plot = new uPlot({
      width: width,
      height: 280,
      series: series,
      // Every measure here is a rate or a latency: from zero, so a dip of 1 % does not look like a fall.
      scales: { x: options.xScale || { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [
        { values: options.xTicks },
        { label: yLabel, size: 70 }
      ],
      legend: { live: true, markers: { dash: function (u, i) { return u.series[i].dash && u.series[i].dash.length ? 'dashed' : 'solid'; } } },
      hooks: {
        // Drawn again after every zoom, so stage bands follow the x scale.
        draw: [function (u) { if (placeStages) { placeStages(u); } }],
        // Values only while the cursor is on the chart: at rest (and in a screenshot) the legend shows the names.
        setLegend: [function (u) { u.root.classList.toggle('idle', u.cursor.idx == null); }]
      }
    }, data, section);
    plot.root.classList.toggle('idle', plot.cursor.idx == null);
    if (options.stages && options.stages.length > 0) {
      placeStages = stageBands(plot, options.stages);
      placeStages(plot);
    }

    var points = 0;
    for (var s = 1; s < data.length; s++) {
      for (var i = 0; i < data[s].length; i++) { if (data[s][i] != null) { points++; } }
    }
    section.setAttribute('data-series', String(pieces.length));
    section.setAttribute('data-points', String(points));
    charts++;
  }

  // A band per stage over the plot (in uPlot's overlay, which does not scroll or scale with the canvas), labelled
  // with its target; a dashed line marks each boundary. Returns what places them on the x scale.
  function stageBands(u, stages) {
    var layer = document.createElement('div');
    layer.className = 'stages';
    u.over.appendChild(layer);
    var bands = stages.map(function (stage, i) {
      var band = document.createElement('div');
      band.className = 'stage' + (i % 2 ? ' stage-odd' : '');
      band.setAttribute('data-start', String(stage.start));
      band.setAttribute('data-end', String(stage.end));
      var label = document.createElement('span');
      label.textContent = stage.label;
      band.appendChild(label);
      layer.appendChild(band);
      return band;
    });
    return function (plot) {
      var min = plot.scales.x.min, max = plot.scales.x.max;
      layer.setAttribute('data-x-min', String(min));
      layer.setAttribute('data-x-max', String(max));
      layer.setAttribute('data-width', String(plot.over.clientWidth));
      stages.forEach(function (stage, i) {
        var from = Math.max(stage.start, min), to = Math.min(stage.end, max);
        bands[i].hidden = !(to > from);
        var left = plot.valToPos(from, 'x'), right = plot.valToPos(to, 'x');
        bands[i].style.left = left.toFixed(1) + 'px';
        bands[i].style.width = Math.max(0, right - left).toFixed(1) + 'px';
        bands[i].classList.toggle('stage-cut', to < stage.end);
      });
    };
  }

  var time = { xName: 'Time', xValue: function (u, v) { return v == null ? '-' : seconds(v); }, xTicks: function (u, splits) { return splits.map(seconds); } };
  function timeOptions(digits) { return { xName: time.xName, xValue: time.xValue, xTicks: time.xTicks, yValue: number(digits) }; }

  // Requests per second, achieved and planned.
  var pieces = [];
  runs.forEach(function (run, r) {
    pieces.push({ run: r, label: named(r, 'achieved'), color: crowd ? runColor(r) : palette[0], dash: crowd ? [] : null, x: run.t, y: run.rps });
    if (run.planned) { pieces.push({ run: r, label: named(r, 'planned'), color: crowd ? runColor(r) : palette[7], dash: crowd ? [4, 4] : null, x: run.t, y: run.planned }); }
  });
  var rateOptions = timeOptions(1);
  rateOptions.stages = [];
  runs.forEach(function (run, r) {
    (run.stages || []).forEach(function (stage) {
      rateOptions.stages.push({ start: stage.start, end: stage.end, label: named(r, stage.target) });
    });
  });
  chart('chart-rate', 'Requests per second', 'req/s', pieces, rateOptions);

  // Latency over time, and from the scheduled start when a run had a rate schedule.
  function latency(field) {
    var list = [];
    runs.forEach(function (run, r) {
      if (!run[field]) { return; }
      report.latencyNames.forEach(function (name, c) {
        if (crowd && name !== 'P50' && name !== 'P99') { return; }
        list.push({
          run: r, label: named(r, name), x: run.t, y: run[field][c],
          color: crowd ? runColor(r) : measureColors[name], dash: crowd ? (name === 'P99' ? [] : [4, 4]) : null
        });
      });
    });
    return list;
  }
  chart('chart-latency', 'Latency over time', 'ms', latency('lat'), timeOptions(3));
  var corrected = latency('cor');
  if (corrected.length > 0) {
    chart('chart-corrected', 'Corrected latency over time (from each request\'s scheduled start)', 'ms', corrected, timeOptions(3));
  }

  // Failures by kind and responses by status code, per second; a flat "none" line when there were none.
  function keyed(field, none) {
    var keys = keyColors(field);
    var list = [];
    runs.forEach(function (run, r) {
      keys.keys.forEach(function (k, i) {
        if (run[field][k]) {
          list.push({ run: r, label: named(r, k), color: crowd ? runColor(r) : keys.colors[k], dash: crowd ? dashes[i % dashes.length] : null, x: run.t, y: run[field][k] });
        }
      });
      if (keys.keys.length === 0) {
        list.push({ run: r, label: named(r, none), color: palette[7], x: run.t, y: run.t.map(function () { return 0; }) });
      }
    });
    return list;
  }
  chart('chart-failures', 'Failures per second by kind', 'failed/s', keyed('fail', 'no failures'), timeOptions(2));
  chart('chart-status', 'Responses per second by status code', 'responses/s', keyed('status', 'no responses'), timeOptions(2));

  // The latency distribution, as HdrHistogram's percentile plot draws it.
  pieces = [];
  runs.forEach(function (run, r) {
    pieces.push({ run: r, label: named(r, 'latency'), color: crowd ? runColor(r) : palette[0], dash: crowd ? [] : null, x: run.hdr.x, y: run.hdr.raw });
    if (run.hdr.cor) {
      pieces.push({ run: r, label: named(r, 'corrected'), color: crowd ? runColor(r) : palette[1], dash: crowd ? [4, 4] : null, x: run.hdr.corX, y: run.hdr.cor });
    }
  });
  chart('chart-percentiles', 'Latency by percentile', 'ms', pieces, {
    xName: 'Percentile',
    xValue: function (u, v) { return v == null ? '-' : percentile(v); },
    xScale: { time: false, distr: 3, log: 10 },
    xTicks: function (u, splits) {
      return splits.map(function (v) { var e = Math.log10(v); return Math.abs(e - Math.round(e)) < 1e-9 ? percentile(v) : ''; });
    },
    yValue: number(3)
  });

  document.body.setAttribute('data-charts', String(charts));
  document.body.setAttribute('data-ready', 'true');
})();
