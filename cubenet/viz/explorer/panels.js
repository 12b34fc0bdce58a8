"use strict";
// cubenet explorer, the flat panels: the unscrambling curve, the layer × epoch heatmap, digit images, and the
// strip of small views and cubes, one per layer ("the cube, read by each layer").
(function () {
  const CX = (window.CX = window.CX || {});
  const FONT = "14px system-ui, sans-serif";
  const pct = (v) => (v === null || v === undefined ? "—" : (100 * v).toFixed(1) + "%");
  CX.pct = pct;

  // Sequential colours from chance (light) to perfect (dark blue), readable with white or black text.
  const STOPS = [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
  CX.heat = function (v) {
    const x = Math.max(0, Math.min(1, v)) * (STOPS.length - 1);
    const i = Math.min(STOPS.length - 2, Math.floor(x)), t = x - i;
    const c = STOPS[i].map((a, k) => Math.round(a + t * (STOPS[i + 1][k] - a)));
    return { css: `rgb(${c[0]},${c[1]},${c[2]})`, dark: x > 2.2 };
  };

  function axesFrame(ctx, box, yLabel) {
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(box.x, box.y); ctx.lineTo(box.x, box.y + box.h); ctx.lineTo(box.x + box.w, box.y + box.h); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.font = FONT;
    ctx.save(); ctx.translate(14, box.y + box.h / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center"; ctx.fillText(yLabel, 0, 0); ctx.restore();
  }

  // The unscrambling curve: probe accuracy per layer (final network, and the chosen epoch when earlier).
  CX.drawCurve = function (canvas, S) {
    const { ctx, w, h } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    const names = S.metrics.names, L = names.length - 1;
    const chance = 1 / S.data.classes.names.length;
    const box = { x: 64, y: 14, w: w - 84, h: h - 62 };
    axesFrame(ctx, box, "linear probe");
    const lo = Math.max(0, Math.floor(chance * 10) / 10);
    const X = (r) => box.x + (L ? (r / L) * box.w : box.w / 2);
    const Y = (v) => box.y + box.h - ((v - lo) / (1 - lo)) * box.h;
    ctx.font = FONT; ctx.textAlign = "right"; ctx.textBaseline = "middle"; ctx.fillStyle = "#333";
    for (let v = lo; v <= 1.0001; v += 0.2) {
      ctx.fillText(Math.round(v * 100) + "%", box.x - 6, Y(v));
      ctx.strokeStyle = "#e4e4e4"; ctx.beginPath(); ctx.moveTo(box.x, Y(v)); ctx.lineTo(box.x + box.w, Y(v)); ctx.stroke();
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    const step = Math.max(1, Math.ceil((L + 1) / Math.max(1, Math.floor(box.w / 70))));
    for (let r = 0; r <= L; r += step) ctx.fillText(S.shortName(r), X(r), box.y + box.h + 6);
    if (S.metrics.network_accuracy) {
      const y = Y(S.metrics.network_accuracy);
      ctx.setLineDash([5, 4]); ctx.strokeStyle = "#555"; ctx.beginPath(); ctx.moveTo(box.x, y); ctx.lineTo(box.x + box.w, y); ctx.stroke(); ctx.setLineDash([]);
      ctx.textAlign = "left"; ctx.textBaseline = "bottom"; ctx.fillStyle = "#444";
      ctx.fillText("network " + pct(S.metrics.network_accuracy), box.x + 4, y - 2);
    }
    const line = (vals, color, width) => {
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.beginPath();
      vals.forEach((v, r) => (r ? ctx.lineTo(X(r), Y(v)) : ctx.moveTo(X(r), Y(v)))); ctx.stroke();
      vals.forEach((v, r) => { ctx.beginPath(); ctx.arc(X(r), Y(v), 4, 0, 2 * Math.PI); ctx.fillStyle = color; ctx.fill(); });
    };
    const E = S.net.epochs.length;
    if (S.epoch !== E - 1) line(S.net.epochs[S.epoch].probe.map((p) => S.shownPost(p)), "#e08214", 2);
    line(S.metrics.curve, "#2166ac", 2.5);
    const cur = X(S.layer);
    ctx.strokeStyle = "rgba(0,0,0,0.5)"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(cur, box.y); ctx.lineTo(cur, box.y + box.h); ctx.stroke();
    ctx.textAlign = "left"; ctx.textBaseline = "top"; ctx.font = FONT;
    ctx.fillStyle = "#2166ac"; ctx.fillText("final network", box.x + 6, box.y + box.h + 26);
    if (S.epoch !== E - 1) { ctx.fillStyle = "#e08214"; ctx.fillText("epoch " + S.net.epochs[S.epoch].epoch, box.x + 130, box.y + box.h + 26); }
    canvas._hit = (x) => Math.max(0, Math.min(L, Math.round(((x - box.x) / box.w) * L)));
  };

  // The layer × epoch heatmap of probe accuracy; clicking a cell jumps to that layer and epoch.
  CX.drawHeatmap = function (canvas, S) {
    const { ctx, w, h } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    const table = S.metrics.layer_epochs, epochs = table.epochs, rows = table.probe_accuracy;
    const L = rows.length - 1, C = epochs.length;
    const box = { x: 84, y: 8, w: w - 92, h: h - 56 };
    const cw = box.w / C, ch = box.h / (L + 1);
    const chance = 1 / S.data.classes.names.length;
    ctx.font = FONT; ctx.textBaseline = "middle";
    for (let r = 0; r <= L; r++) {
      const y = box.y + (L - r) * ch;
      ctx.fillStyle = "#333"; ctx.textAlign = "right"; ctx.fillText(S.shortName(r), box.x - 6, y + ch / 2);
      for (let c = 0; c < C; c++) {
        const v = rows[r][c], col = CX.heat((v - chance) / (1 - chance));
        ctx.fillStyle = col.css; ctx.fillRect(box.x + c * cw, y, cw - 1, ch - 1);
        if (cw >= 38 && ch >= 18) {
          ctx.fillStyle = col.dark ? "#fff" : "#111"; ctx.textAlign = "center";
          ctx.fillText(Math.round(100 * v), box.x + (c + 0.5) * cw, y + ch / 2);
        }
      }
    }
    ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    const every = Math.max(1, Math.ceil(C / Math.max(1, Math.floor(box.w / 34))));
    for (let c = 0; c < C; c += every) ctx.fillText(String(epochs[c]), box.x + (c + 0.5) * cw, box.y + box.h + 4);
    ctx.fillText("epoch (probe accuracy in %, " + ((table.points && table.points.test) || "subset of") + " test points)", box.x + box.w / 2, box.y + box.h + 24);
    const col = S.epochColumn();
    if (col >= 0) {
      ctx.strokeStyle = "#d7301f"; ctx.lineWidth = 3;
      ctx.strokeRect(box.x + col * cw + 1, box.y + (L - S.layer) * ch + 1, cw - 3, ch - 3);
    }
    canvas._hit = (x, y) => {
      const c = Math.floor((x - box.x) / cw), r = L - Math.floor((y - box.y) / ch);
      return c >= 0 && c < C && r >= 0 && r <= L ? { layer: r, column: c } : null;
    };
  };

  // Digit images in a grid, each with its class colour as a frame; the marked one outlined.
  CX.drawDigits = function (canvas, S) {
    const { ctx, w, h } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    const [rows, cols] = S.data.image_shape, d = rows * cols;
    const X = S.X, n = S.n, y = S.y, colors = S.data.classes.colors;
    const cell = 38, per = Math.max(1, Math.floor(w / cell)), count = Math.min(n, per * Math.floor(h / cell));
    if (!S._digitOrder || S._digitOrder.length !== count) {
      S._digitOrder = [];
      const K = colors.length;
      for (let j = 0; S._digitOrder.length < count && j < n; j++) {
        const c = S._digitOrder.length % K; // cycle through the classes
        let i = -1;
        for (let k = 0, seen = 0; k < n; k++) if (y[k] === c && seen++ === Math.floor(S._digitOrder.length / K)) { i = k; break; }
        S._digitOrder.push(i >= 0 ? i : j);
      }
    }
    let max = 0;
    for (let i = 0; i < X.length; i++) if (X[i] > max) max = X[i];
    const img = ctx.createImageData(cols, rows);
    const tmp = document.createElement("canvas"); tmp.width = cols; tmp.height = rows;
    const tctx = tmp.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    S._digitBoxes = [];
    S._digitOrder.forEach((i, k) => {
      for (let p = 0; p < d; p++) {
        const v = 255 - Math.round((255 * X[i * d + p]) / (max || 1));
        img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
      }
      tctx.putImageData(img, 0, 0);
      const x0 = (k % per) * cell, y0 = Math.floor(k / per) * cell;
      ctx.globalAlpha = S.lit && !S.lit[i] ? 0.18 : 1;
      ctx.drawImage(tmp, x0 + 4, y0 + 4, cell - 8, cell - 8);
      ctx.lineWidth = 3; ctx.strokeStyle = colors[y[i]]; ctx.strokeRect(x0 + 2.5, y0 + 2.5, cell - 5, cell - 5);
      ctx.globalAlpha = 1;
      if (S.marks().includes(i)) { ctx.lineWidth = 3; ctx.strokeStyle = "#000"; ctx.strokeRect(x0 + 0.5, y0 + 0.5, cell - 1, cell - 1); }
      S._digitBoxes.push({ i, x0, y0, size: cell });
    });
    canvas._hit = (x, yy) => {
      const b = S._digitBoxes.find((q) => x >= q.x0 && x < q.x0 + q.size && yy >= q.y0 && yy < q.y0 + q.size);
      return b ? b.i : -1;
    };
  };

  // One digit, large (for the hovered point).
  CX.drawOneDigit = function (canvas, S, i) {
    const { ctx, w, h } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    if (i < 0) return;
    const [rows, cols] = S.data.image_shape, d = rows * cols;
    let max = 0;
    for (let k = 0; k < S.X.length; k++) if (S.X[k] > max) max = S.X[k];
    const cell = Math.min(w / cols, h / rows);
    for (let p = 0; p < d; p++) {
      const v = 255 - Math.round((255 * S.X[i * d + p]) / (max || 1));
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect((p % cols) * cell, Math.floor(p / cols) * cell, Math.ceil(cell), Math.ceil(cell));
    }
  };

  // The strip: per representation a small view of its points and (cube data) the cube painted by its probe;
  // last, the network's own answer with the wrong cells crossed out.
  CX.buildStrip = function (container, S) {
    container.textContent = "";
    const strip = S.data.cube && S.data.cube.strip;
    const cols = [];
    const add = (r, title) => {
      const div = document.createElement("div"); div.className = "cx-strip-col"; div.dataset.layer = r;
      const head = document.createElement("div"); head.className = "cx-strip-head"; head.textContent = title;
      const pts = document.createElement("canvas"); pts.className = "cx-strip-points";
      div.append(head, pts);
      let cube = null;
      if (strip) { cube = document.createElement("canvas"); cube.className = "cx-strip-cube"; div.append(cube); }
      const foot = document.createElement("div"); foot.className = "cx-strip-foot"; div.append(foot);
      container.append(div);
      cols.push({ r, div, pts, cube, foot });
    };
    for (let r = 0; r <= S.net.L; r++) add(r, S.shortName(r));
    if (strip && strip.predicted) add(-1, "network's answer");
    return cols;
  };

  CX.drawStrip = function (cols, S) {
    const strip = S.data.cube && S.data.cube.strip;
    const colors = S.data.classes.colors;
    for (const col of cols) {
      col.div.classList.toggle("cx-current", col.r === S.layer);
      if (col.r >= 0) {
        const { ctx, w, h, dpr } = CX.fit(col.pts);
        ctx.clearRect(0, 0, w, h);
        const frames = S.frames("points");
        const P = frames.K[col.r].post;
        const every = Math.max(1, Math.floor(S.n / 700));
        const sub = S.subset(every);
        let ext = 0.05; // a thumbnail is zoomed to its own points (the big view keeps the layer's fixed box)
        for (const i of sub) for (let a = 0; a < 3; a++) ext = Math.max(ext, Math.abs(P[3 * i + a]));
        const pr = new CX.Projector(w, h, S.panelDims(col.r), S.camera, Math.min(4, 1 / ext));
        const Q = new Float32Array(sub.length * 3);
        sub.forEach((i, k) => { Q[3 * k] = P[3 * i]; Q[3 * k + 1] = P[3 * i + 1]; Q[3 * k + 2] = P[3 * i + 2]; });
        const lit = S.lit ? Uint8Array.from(sub, (i) => S.lit[i]) : null;
        const marks = S.marks().map((m) => sub.indexOf(m)).filter((k) => k >= 0);
        CX.drawPoints(ctx, pr, Q, sub.length, { colors, y: Uint8Array.from(sub, (i) => S.y[i]), lit, radius: 2.2, dpr, marks });
      }
      if (col.cube) {
        const { ctx, w, h } = CX.fit(col.cube);
        ctx.clearRect(0, 0, w, h);
        const pr = new CX.Projector(w, h, 3, S.camera, 1.05);
        const labels = col.r >= 0 ? S.stripLabels[col.r] : S.stripPred;
        const quadColors = Array.from(labels, (c) => colors[c]);
        const crosses = col.r < 0 ? S.stripWrong : null;
        CX.drawQuads(ctx, pr, S.cellQuads, quadColors, { crosses });
      }
      const probe = col.r >= 0 ? S.shownPost(S.net.epochs[S.epoch].probe[col.r]) : null;
      const score = strip ? (col.r >= 0 ? strip.layers[col.r].score : strip.predicted_score) : null;
      col.foot.textContent = col.r >= 0
        ? "probe " + pct(probe) + (strip ? "\nsurface " + pct(score) : "")
        : "surface " + pct(score) + "\n✕ = wrong cell";
    }
  };
})();
