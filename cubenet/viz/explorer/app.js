"use strict";
// cubenet explorer, the page: state, the main views and their captions, and the public API
// window.cubenetExplorer (load, update, state, positions, representation, set, timeRedraw).
(function () {
  const CX = (window.CX = window.CX || {});
  const $ = (id) => document.getElementById(id);
  const SUB = "₀₁₂₃₄₅₆₇₈₉";
  const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2));
  const sub = (i) => String(i).split("").map((c) => SUB[+c]).join("");
  const S = (CX.S = { camera: new CX.Camera(), dirty: true, screens: {} });

  S.shortName = (r) => (r === 0 ? "input" : r === S.net.L ? (S.net.type === "steps" ? "step " + r : "output") : S.net.type === "steps" ? "step " + r : "layer " + r);
  S.shownPost = (p) => (p.post_shown !== undefined ? p.post_shown : p.post);
  S.marks = () => [S.hover, S.pinned].filter((i) => i >= 0);
  S.frames = (set) => S.net.keyframes(set, S.epoch, S.kind, set === "grid" ? S.grid.X : S.X, set === "grid" ? S.grid.n : S.n);
  S.panelDims = (r) => (S.net.drawnDims(r) >= 3 ? 3 : S.mainDims);
  S.subset = (every) => { const out = []; for (let i = 0; i < S.n; i += every) out.push(i); return out; };
  S.epochColumn = () => S.metrics.layer_epochs.epochs.indexOf(S.net.epochs[S.epoch].epoch);

  function load(data) {
    S.data = data;
    S.net = new CX.Net(data);
    S.metrics = data.metrics;
    S.X = CX.inputs(data.points);
    S.n = data.points.n;
    S.d = data.points.d;
    S.y = CX.decode(data.points.y);
    S.grid = data.grid && (S.net.type === "mlp" || S.net.epochs[0].gridStates) ? CX.gridPoints(data.grid) : null;
    S.mainDims = 2;
    for (let r = 0; r <= S.net.L; r++) if (S.net.drawnDims(r) >= 3) S.mainDims = 3;
    S.kind = S.net.kinds.includes(S.kind) ? S.kind : S.net.kinds[0];
    S.epoch = S.net.epochs.length - 1;
    S.layer = S.net.L;
    S.stage = S.net.nStages(S.layer);
    S.playing = false;
    S.focusClass = -1; S.sticker = -1; S.hover = -1; S.pinned = -1;
    S.showGrid = !!S.grid;
    S.slots = data.cube ? CX.decode(data.cube.slots) : null;
    setupCube(data);
    S.inputBox = inputBox();
    CX.setupControls(S);
    updateLit();
    S.redrawAll();
  }

  function setupCube(data) {
    const cube = data.cube;
    S.stickerQuads = cube ? CX.stickerQuads(CX.decode(cube.stickers)) : null;
    S.stickerClasses = cube ? CX.decode(cube.sticker_classes) : null;
    const strip = cube && cube.strip;
    if (!strip) { S.cellQuads = null; return; }
    S.cellQuads = CX.cellQuads(CX.decode(strip.corners), strip.resolution);
    S.stripLabels = strip.layers.map((l) => CX.decode(l.labels));
    const truth = CX.decode(strip.truth);
    S.stripPred = strip.predicted ? CX.decode(strip.predicted) : null;
    S.stripWrong = S.stripPred ? S.stripPred.map((p, i) => (p !== truth[i] ? 1 : 0)) : null;
  }

  // The input panel's own box: the raw inputs (cube: x, y, z; planes: x1, x2) scaled to [-1, 1].
  function inputBox() {
    const d = S.d;
    if (d > 3) return null;
    const lo = new Array(3).fill(0), hi = new Array(3).fill(0);
    for (let a = 0; a < d; a++) { lo[a] = Infinity; hi[a] = -Infinity; }
    for (let i = 0; i < S.n; i++) for (let a = 0; a < d; a++) { const v = S.X[i * d + a]; if (v < lo[a]) lo[a] = v; if (v > hi[a]) hi[a] = v; }
    const c = lo.map((l, a) => (a < d ? (l + hi[a]) / 2 : 0));
    let s = 0;
    for (let a = 0; a < d; a++) s = Math.max(s, (hi[a] - lo[a]) / 2);
    return { c, s: (s || 1) * 1.05 };
  }

  function updateLit() {
    if (S.focusClass < 0 && S.sticker < 0) { S.lit = null; return; }
    S.lit = new Uint8Array(S.n);
    for (let i = 0; i < S.n; i++) {
      S.lit[i] = (S.focusClass < 0 || S.y[i] === S.focusClass) && (S.sticker < 0 || (S.slots && S.slots[i] === S.sticker)) ? 1 : 0;
    }
  }
  S.updateLit = updateLit;

  // Which representation's numbers describe the drawing now: (r, "pre" | "post").
  function current() {
    const r = S.layer, s = S.stage;
    if (r === 0) return [0, "post"];
    if (s <= 0) return [r - 1, "post"];
    if (S.net.type === "steps" || r === S.net.L) return [r, "post"];
    return s <= 2 ? [r, "pre"] : [r, "post"];
  }

  function numbers(r, part) {
    const ep = S.net.epochs[S.epoch];
    const p = ep.probe[r];
    const probe = part === "post" ? S.shownPost(p) : p.pre;
    const fidKind = S.net.type === "steps" ? "own" : S.kind;
    const f = ep.fidelity[fidKind][r];
    return { probe, fidelity: f ? f[part] : null };
  }

  function title(r) {
    const net = S.net;
    if (r === 0) return "input h₀ = the data, standardised";
    if (net.type === "steps") return "step " + r + ": h ← h + relu(h·W + b)·V + c, in the data's " + net.data.model.dim + "-D space";
    const fi = net.sizes[r - 1], fo = net.sizes[r];
    const affine = "W" + sub(r) + "·h" + sub(r - 1) + " + b" + sub(r);
    if (r === net.L) return "output: logits z" + sub(r) + " = " + affine + ", " + fi + " → " + fo;
    return "layer " + r + ": " + net.acts[r - 1] + "(" + affine + "), " + fi + " → " + fo;
  }

  function viewNote(r) {
    const width = S.net.type === "steps" ? S.net.data.model.dim : S.net.sizes[r];
    if (width <= 3) return "own coordinates (" + width + "-D)";
    const kind = S.data.kinds.find((k) => k.id === S.kind);
    return kind.name + ", " + width + " → 3 dims, aligned";
  }

  function stageText() {
    const r = S.layer;
    if (r === 0) return "the input";
    const names = S.net.stageNames(r), ns = names.length, s = S.stage;
    if (s >= ns) return "all of " + S.shortName(r) + " (" + names.join(", then ") + ")";
    const k = Math.min(ns - 1, Math.floor(s));
    return names[k] + " " + Math.round(100 * (s - k)) + "%" + (S.net.type === "steps" ? " of the step" : "");
  }

  function axisLabels(r) {
    const width = S.net.type === "steps" ? S.net.data.model.dim : S.net.sizes[r];
    if (width > 3) return null;
    if (r === 0 || S.net.type === "steps") {
      if (S.data.kind === "cube") return ["x (→R)", "y (→U)", "z (→F)"];
      if (S.data.feature_names) return S.data.feature_names.slice(0, width);
      return ["x1", "x2", "x3"].slice(0, width);
    }
    return ["unit 1", "unit 2", "unit 3"].slice(0, width);
  }

  S.drawLayer = function () {
    const canvas = $("cx-layer");
    const { ctx, w, h, dpr } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    const pr = new CX.Projector(w, h, S.mainDims, S.camera, 1);
    const frames = S.frames("points");
    S.buf = S.net.at(frames, S.layer, S.stage, S.buf && S.buf.length === S.n * 3 ? S.buf : null);
    const shownRep = current()[0];
    CX.drawBox(ctx, pr, axisLabels(shownRep));
    if (S.showGrid && S.grid) {
      const gf = S.frames("grid");
      S.gbuf = S.net.at(gf, S.layer, S.stage, S.gbuf);
      CX.drawGrid(ctx, pr, S.gbuf, S.grid.lines, S.grid.steps);
    }
    const prev = S.screens.layer || {};
    S.screens.layer = CX.drawPoints(ctx, pr, S.buf, S.n, { colors: S.data.classes.colors, y: S.y, lit: S.lit, dpr,
      marks: S.marks(), sx: prev.sx, sy: prev.sy, order: prev.order });
  };

  S.drawInput = function () {
    const canvas = $("cx-input");
    if (S.data.image_shape) { CX.drawDigits(canvas, S); return; }
    const { ctx, w, h, dpr } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    let P, dims;
    if (S.inputBox) {
      const B = S.inputBox;
      P = CX.project(S.X, S.n, S.d, null, B);
      dims = S.d === 3 ? 3 : 2;
      const pr = new CX.Projector(w, h, dims, S.camera, 1);
      CX.drawBox(ctx, pr, axisLabels(0));
      if (S.showGrid && S.grid) CX.drawGrid(ctx, pr, CX.project(S.grid.X, S.grid.n, S.d, null, B), S.grid.lines, S.grid.steps);
      S.screens.input = CX.drawPoints(ctx, pr, P, S.n, { colors: S.data.classes.colors, y: S.y, lit: S.lit, dpr, marks: S.marks(), radius: 2.6 });
    } else {
      P = S.frames("points").K[0].post;
      const pr = new CX.Projector(w, h, 3, S.camera, 1);
      CX.drawBox(ctx, pr, null);
      S.screens.input = CX.drawPoints(ctx, pr, P, S.n, { colors: S.data.classes.colors, y: S.y, lit: S.lit, dpr, marks: S.marks(), radius: 2.6 });
    }
  };

  S.drawStickers = function () {
    const canvas = $("cx-stickers");
    if (!S.stickerQuads || !canvas) return;
    const { ctx, w, h } = CX.fit(canvas);
    ctx.clearRect(0, 0, w, h);
    const pr = new CX.Projector(w, h, 3, S.camera, 1.1);
    const colors = Array.from(S.stickerClasses, (c) => S.data.classes.colors[c]);
    CX.drawQuads(ctx, pr, bodyQuads(), new Array(6).fill("#1a1a1a"), {});
    S.stickerDrawn = CX.drawQuads(ctx, pr, S.stickerQuads, colors, { edge: 0.8, outline: S.sticker });
  };

  let body = null;
  function bodyQuads() {
    if (body) return body;
    body = new Float32Array(6 * 12);
    const f = 1.5;
    const faces = [[0, 1], [0, -1], [1, 1], [1, -1], [2, 1], [2, -1]];
    faces.forEach(([axis, sign], q) => {
      const [u, v] = [0, 1, 2].filter((a) => a !== axis);
      [[-f, -f], [f, -f], [f, f], [-f, f]].forEach(([du, dv], k) => {
        const p = [0, 0, 0]; p[axis] = sign * f * 0.999; p[u] = du; p[v] = dv; body.set(p, q * 12 + 3 * k);
      });
    });
    return body;
  }

  S.captions = function () {
    const [r, part] = current();
    const num = numbers(r, part);
    const partText = r === 0 ? "" : S.net.type === "steps" ? "" : part === "pre" ? " · before the activation" : r === S.net.L ? "" : " · after " + S.net.acts[r - 1];
    $("cx-layer-title").textContent = title(S.layer);
    $("cx-layer-cap").innerHTML = "";
    const cap = $("cx-layer-cap");
    const line1 = document.createElement("div");
    line1.textContent = "now: " + stageText() + " — drawn: " + S.shortName(r) + partText + " · " + viewNote(r);
    const line2 = document.createElement("div");
    line2.className = "cx-numbers";
    line2.textContent = "linear probe " + CX.pct(num.probe) + " · display fidelity " + CX.pct(num.fidelity) +
      " · epoch " + S.net.epochs[S.epoch].epoch + " · box ±" + fmt(S.net.epochs[S.epoch].boxes[S.net.type === "steps" ? "own" : S.kind][r].s);
    cap.append(line1, line2);
    const inputNum = numbers(0, "post");
    $("cx-input-cap").textContent = S.data.texts.input_note + " · linear probe " + CX.pct(inputNum.probe) +
      (S.inputBox || S.data.image_shape ? "" : " · display fidelity " + CX.pct(inputNum.fidelity));
    CX.updateControls(S);
    CX.updateInfo(S);
  };

  S.redrawAll = function () { S.dirty = true; S.stripDirty = true; schedule(); };
  S.redraw = function () { S.dirty = true; schedule(); };
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(frame);
  }
  function frame(now) {
    pending = false;
    if (S.playing) S.advance(now);
    if (S.dirty) {
      S.dirty = false;
      S.drawLayer();
      S.drawInput();
      S.drawStickers();
      S.captions();
      CX.drawCurve($("cx-curve"), S);
      CX.drawHeatmap($("cx-heat"), S);
      if (S.stripDirty || S.cameraMoved) { CX.drawStrip(S.stripCols, S); S.stripDirty = false; S.cameraMoved = false; }
      if (!S.painted) { S.painted = true; performance.mark("cubenet-explorer-drawn"); }
    }
    if (S.playing) { S.dirty = true; schedule(); }
  }

  let last = null;
  S.advance = function (now) {
    const dt = last === null ? 0 : Math.min(0.1, (now - last) / 1000);
    last = now;
    S.stage += dt * 1.25;
    const ns = S.net.nStages(S.layer);
    if (S.stage >= ns) {
      if (S.layer < S.net.L) { S.layer += 1; S.stage = 0; } else { S.stage = ns; S.playing = false; last = null; }
    }
    S.stripDirty = true;
  };
  S.play = function (on) {
    S.playing = on === undefined ? !S.playing : on;
    last = null;
    if (S.playing && S.layer === S.net.L && S.stage >= S.net.nStages(S.layer)) { S.layer = 1; S.stage = 0; }
    S.redraw();
  };

  // ---- public API -----------------------------------------------------------------------------------
  function positions(layer, stage, opts) {
    opts = opts || {};
    const e = opts.epoch === undefined ? S.epoch : opts.epoch, kind = opts.kind || S.kind;
    const set = opts.set || "points";
    const frames = S.net.keyframes(set, e, kind, set === "grid" ? S.grid.X : S.X, set === "grid" ? S.grid.n : S.n);
    const P = S.net.at(frames, layer, stage === undefined ? S.net.nStages(layer) : stage, null);
    if (!opts.raw) return Array.from(P);
    const out = [];
    const boxes = S.net.epochs[e].boxes[kind];
    const r = layer, B = boxes[r];
    for (let i = 0; i < P.length; i++) out.push(P[i] * B.s + B.c[i % 3]);
    return out;
  }

  function representation(layer, part, opts) {
    const e = opts && opts.epoch !== undefined ? opts.epoch : S.epoch;
    const frames = S.net.keyframes("points", e, S.kind, S.X, S.n);
    const arr = part === "pre" ? frames.full.pres[layer] : frames.full.posts[layer];
    return { n: S.n, d: arr.length / S.n, values: Array.from(arr) };
  }

  function set(opts) {
    if (opts.epoch !== undefined) S.epoch = Math.max(0, Math.min(S.net.epochs.length - 1, opts.epoch));
    if (opts.kind !== undefined && S.net.kinds.includes(opts.kind)) S.kind = opts.kind;
    if (opts.layer !== undefined) { S.layer = Math.max(0, Math.min(S.net.L, opts.layer)); S.stage = S.net.nStages(S.layer); }
    if (opts.stage !== undefined) S.stage = Math.max(0, Math.min(S.net.nStages(S.layer), opts.stage));
    if (opts.grid !== undefined) S.showGrid = !!opts.grid && !!S.grid;
    if (opts.focusClass !== undefined) S.focusClass = opts.focusClass;
    if (opts.sticker !== undefined) S.sticker = opts.sticker;
    if (opts.yaw !== undefined) { S.camera.yaw = opts.yaw; S.cameraMoved = true; }
    if (opts.pitch !== undefined) { S.camera.pitch = opts.pitch; S.cameraMoved = true; }
    updateLit();
    S.redrawAll();
  }

  // Median milliseconds of one redraw of the layer view (points + grid) while the stage moves.
  function timeRedraw(count) {
    count = count || 30;
    const times = [];
    const ns = Math.max(1, S.net.nStages(S.layer));
    for (let k = 0; k < count; k++) {
      S.stage = (ns * (k + 0.5)) / count;
      const t0 = performance.now();
      S.drawLayer();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    S.redraw();
    return { median: times[Math.floor(count / 2)], max: times[count - 1], points: S.n, gridPoints: S.grid && S.showGrid ? S.grid.n : 0 };
  }

  function update(patch) {
    const data = Object.assign({}, S.data, patch);
    if (patch.epochs_append) data.epochs = S.data.epochs.concat(patch.epochs_append);
    const keep = { layer: S.layer, stage: S.stage, kind: S.kind, atLatest: S.epoch === S.net.epochs.length - 1, epoch: S.epoch,
                   yaw: S.camera.yaw, pitch: S.camera.pitch, grid: S.showGrid };
    load(data);
    set({ layer: Math.min(keep.layer, S.net.L), kind: keep.kind, grid: keep.grid, yaw: keep.yaw, pitch: keep.pitch,
          epoch: keep.atLatest ? S.net.epochs.length - 1 : keep.epoch });
    S.stage = Math.min(keep.stage, S.net.nStages(S.layer));
  }

  function state() {
    return { epoch: S.epoch, epochNumber: S.net.epochs[S.epoch].epoch, epochs: S.net.epochs.map((e) => e.epoch),
      layer: S.layer, stage: S.stage, L: S.net.L, nStages: Array.from({ length: S.net.L + 1 }, (_, r) => S.net.nStages(r)),
      kind: S.kind, kinds: S.net.kinds, grid: S.showGrid, playing: S.playing, yaw: S.camera.yaw, pitch: S.camera.pitch,
      focusClass: S.focusClass, sticker: S.sticker, hover: S.hover, pinned: S.pinned, n: S.n, type: S.net.type,
      lit: S.lit ? Array.from(S.lit) : null, mainDims: S.mainDims, caption: $("cx-layer-cap").textContent };
  }

  // Screen positions (CSS pixels within the canvas) of drawn points in a view ("layer" or "input").
  function screen(view) {
    const sc = S.screens[view];
    return sc ? { sx: Array.from(sc.sx), sy: Array.from(sc.sy), lit: sc.lit ? Array.from(sc.lit) : null } : null;
  }

  window.cubenetExplorer = { load, update, state, positions, representation, set, timeRedraw, screen,
    redraw: () => { S.redrawAll(); }, drawNow: () => { S.dirty = true; frame(performance.now()); } };

  document.addEventListener("DOMContentLoaded", () => {
    const el = $("cx-data");
    if (el) load(JSON.parse(el.textContent));
  });

  // A page that embeds the explorer (cubenet play) feeds it new data as training goes on: only the parent
  // window may, the camera, layer and stage are kept, and the parent is told which epoch is now shown.
  window.addEventListener("message", (event) => {
    const msg = event.data;
    if (event.source !== window.parent || window.parent === window || !msg || msg.type !== "cubenet-explorer-data") return;
    if (S.data) update(msg.data); else load(msg.data);
    window.parent.postMessage({ type: "cubenet-explorer-shown", epoch: S.net.epochs[S.net.epochs.length - 1].epoch,
                                final: !!msg.final }, "*");
  });
})();
