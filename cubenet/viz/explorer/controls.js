"use strict";
// cubenet explorer, controls: sliders, buttons, legend, the info box, mouse/touch dragging and the keyboard.
(function () {
  const CX = (window.CX = window.CX || {});
  const $ = (id) => document.getElementById(id);
  let wired = false;

  CX.setupControls = function (S) {
    const d = S.data;
    $("cx-title").textContent = d.texts.title;
    $("cx-howto").textContent = d.texts.howto;
    $("cx-input-title").textContent = d.texts.input_title;
    $("cx-keys").textContent = d.texts.keys;
    $("cx-fidelity-note").textContent = d.texts.fidelity_note;
    $("cx-layer-range").max = S.net.L;
    $("cx-epoch-range").max = S.net.epochs.length - 1;
    const kind = $("cx-kind");
    kind.textContent = "";
    for (const k of d.kinds) kind.add(new Option(k.name, k.id));
    kind.value = S.kind;
    const anyWide = S.net.type === "mlp" && S.net.sizes.some((w) => w > 3);
    $("cx-kind-label").style.display = anyWide ? "" : "none";
    $("cx-grid-label").style.display = S.grid ? "" : "none";
    $("cx-grid").checked = S.showGrid;
    $("cx-cube-box").style.display = d.cube ? "" : "none";
    $("cx-digit-box").style.display = d.image_shape ? "" : "none";
    const strip = d.cube && d.cube.strip;
    $("cx-strip-title").textContent = strip ? "The cube, read by each layer (final network)" : "Every layer at a glance";
    $("cx-strip-note").textContent = strip ? strip.note : "Each small view is one layer's output in the current projection; click one to go there.";
    buildLegend(S);
    S.stripCols = CX.buildStrip($("cx-strip"), S);
    for (const col of S.stripCols) col.div.onclick = () => { if (col.r >= 0) S.api().set({ layer: col.r }); };
    if (!wired) { wire(S); wired = true; }
  };

  function buildLegend(S) {
    const box = $("cx-legend");
    box.textContent = "";
    const faces = S.data.kind === "cube" ? "URFDLB" : null;
    const counts = new Array(S.data.classes.names.length).fill(0);
    for (let i = 0; i < S.n; i++) counts[S.y[i]]++;
    S.data.classes.names.forEach((name, c) => {
      const b = document.createElement("button");
      b.className = "cx-class"; b.dataset.cls = c;
      const sw = document.createElement("span"); sw.className = "cx-swatch"; sw.style.background = S.data.classes.colors[c];
      b.append(sw, document.createTextNode(name + (faces && S.data.classes.names.length === 6 ? " (" + faces[c] + ")" : "") + " · " + counts[c]));
      b.onclick = () => { S.api().set({ focusClass: S.focusClass === c ? -1 : c }); };
      box.append(b);
    });
  }

  CX.updateControls = function (S) {
    $("cx-layer-range").value = S.layer;
    $("cx-layer-label").textContent = S.shortName(S.layer) + " of " + S.net.L;
    const ns = S.net.nStages(S.layer);
    const stage = $("cx-stage-range");
    stage.max = Math.max(ns, 0.01); stage.disabled = ns === 0; stage.value = S.stage;
    $("cx-stage-label").textContent = ns === 0 ? "(the input has no stages)" : S.net.stageNames(S.layer).join(" → ");
    $("cx-epoch-range").value = S.epoch;
    const ep = S.net.epochs[S.epoch];
    $("cx-epoch-label").textContent = "epoch " + ep.epoch + (S.epoch === S.net.epochs.length - 1 ? " (final)" : "");
    $("cx-play").textContent = S.playing ? "❚❚ pause" : "▶ play";
    $("cx-kind").value = S.kind;
    $("cx-grid").checked = S.showGrid;
    for (const b of document.querySelectorAll(".cx-class")) b.classList.toggle("cx-on", +b.dataset.cls === S.focusClass);
    $("cx-sticker-cap").textContent = S.sticker >= 0
      ? "sticker " + "URFDLB"[Math.floor(S.sticker / 9)] + (1 + (S.sticker % 9)) + " picked: its points are lit in every view (click it again to clear)"
      : "click a sticker to light its points in every view";
  };

  CX.updateInfo = function (S) {
    const i = S.pinned >= 0 ? S.pinned : S.hover;
    const box = $("cx-info");
    if (i < 0) {
      box.textContent = S.focusClass >= 0 ? "class " + S.data.classes.names[S.focusClass] + " is lit; click it again to show all"
        : "hover a dot (click to pin it) to follow it through every layer";
      if (S.data.image_shape) CX.drawOneDigit($("cx-digit"), S, -1);
      return;
    }
    const fr = S.frames("points").K;
    const logits = S.net.type === "mlp" ? S.frames("points").full.posts[S.net.L] : null;
    let text = "point " + i + ": " + S.data.classes.names[S.y[i]];
    if (logits) {
      const k = S.data.classes.names.length;
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
      text += " · network says " + S.data.classes.names[best] + (best === S.y[i] ? " ✓" : " ✗");
    }
    if (S.slots) text += " · on sticker " + "URFDLB"[Math.floor(S.slots[i] / 9)] + (1 + (S.slots[i] % 9));
    box.textContent = text + (S.pinned >= 0 ? " (pinned; click it again to let go)" : "");
    void fr;
    if (S.data.image_shape) CX.drawOneDigit($("cx-digit"), S, i);
  };

  function wire(S) {
    S.api = () => window.cubenetExplorer;
    $("cx-play").onclick = () => S.play();
    $("cx-layer-range").oninput = (e) => { S.playing = false; S.api().set({ layer: +e.target.value }); };
    $("cx-stage-range").oninput = (e) => { S.playing = false; S.api().set({ stage: +e.target.value }); };
    $("cx-epoch-range").oninput = (e) => S.api().set({ epoch: +e.target.value });
    $("cx-kind").onchange = (e) => S.api().set({ kind: e.target.value });
    $("cx-grid").onchange = (e) => S.api().set({ grid: e.target.checked });
    $("cx-reset").onclick = () => { S.camera.reset(); S.cameraMoved = true; S.redrawAll(); };
    for (const id of ["cx-layer", "cx-input", "cx-stickers"]) dragRotate(S, $(id), id);
    for (const id of ["cx-strip"]) dragRotate(S, $(id), id);
    $("cx-curve").onclick = (e) => { const r = e.target._hit && e.target._hit(e.offsetX); if (r !== undefined) S.api().set({ layer: r }); };
    $("cx-heat").onclick = (e) => {
      const hit = e.target._hit && e.target._hit(e.offsetX, e.offsetY);
      if (!hit) return;
      const epoch = S.metrics.layer_epochs.epochs[hit.column];
      const j = S.net.epochs.findIndex((ep) => ep.epoch === epoch);
      S.api().set({ layer: hit.layer, epoch: j >= 0 ? j : S.epoch });
    };
    window.addEventListener("resize", () => S.redrawAll());
    document.addEventListener("keydown", (e) => keys(S, e));
  }

  // Drag (mouse, pen or touch) turns every 3-D view; a click without a drag picks a point or a sticker.
  function dragRotate(S, el, id) {
    if (!el) return;
    let start = null, moved = false;
    el.style.touchAction = "none";
    el.addEventListener("pointerdown", (e) => {
      start = { x: e.clientX, y: e.clientY }; moved = false;
      if (el.setPointerCapture) try { el.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
    });
    el.addEventListener("pointermove", (e) => {
      if (start) {
        const dx = e.clientX - start.x, dy = e.clientY - start.y;
        if (moved || Math.abs(dx) + Math.abs(dy) > 3) {
          moved = true;
          S.camera.turn(dx * 0.01, dy * 0.01);
          start = { x: e.clientX, y: e.clientY };
          S.cameraMoved = true; S.redraw();
        }
        return;
      }
      hover(S, el, id, e);
    });
    const end = (e) => {
      if (start && !moved) pick(S, el, id, e);
      start = null;
    };
    el.addEventListener("pointerup", end);
    el.addEventListener("pointercancel", () => { start = null; });
    el.addEventListener("pointerleave", () => { if (!start && S.hover >= 0) { S.hover = -1; S.redrawAll(); } });
  }

  function local(el, e) { const r = el.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }

  function hitPoint(S, el, id, e) {
    const [x, y] = local(el, e);
    if (id === "cx-input" && S.data.image_shape) return el._hit ? el._hit(x, y) : -1;
    const sc = S.screens[id === "cx-layer" ? "layer" : "input"];
    if (id !== "cx-layer" && id !== "cx-input") return -1;
    return CX.nearest(sc, S.n, x, y, 9);
  }

  function hover(S, el, id, e) {
    const i = hitPoint(S, el, id, e);
    if (i !== S.hover && (id === "cx-layer" || id === "cx-input")) { S.hover = i; S.stripDirty = true; S.redraw(); }
  }

  function pick(S, el, id, e) {
    if (id === "cx-stickers") {
      const [x, y] = local(el, e);
      const q = CX.hitPolygon(S.stickerDrawn || [], x, y);
      if (q >= 0) S.api().set({ sticker: S.sticker === q ? -1 : q });
      return;
    }
    if (id === "cx-strip") return;
    const i = hitPoint(S, el, id, e);
    S.pinned = i >= 0 && i !== S.pinned ? i : -1;
    S.redrawAll();
  }

  function keys(S, e) {
    const tag = (e.target.tagName || "").toLowerCase();
    if (tag === "select" || (tag === "input" && e.target.type !== "range" && e.target.type !== "checkbox")) return;
    const api = S.api();
    const k = e.key;
    let handled = true;
    if (k === " ") S.play();
    else if (k === "ArrowRight" || k === "ArrowLeft") {
      const dir = k === "ArrowRight" ? 1 : -1, ns = S.net.nStages(S.layer);
      let s = S.stage + dir * 0.25;
      if (s > ns + 1e-9 && S.layer < S.net.L) api.set({ layer: S.layer + 1, stage: 0.25 });
      else if (s < -1e-9 && S.layer > 0) { api.set({ layer: S.layer - 1 }); }
      else api.set({ stage: Math.max(0, Math.min(ns, s)) });
      S.playing = false;
    } else if (k === "ArrowUp") api.set({ layer: S.layer + 1 });
    else if (k === "ArrowDown") api.set({ layer: S.layer - 1 });
    else if (k === "]" || k === "[") api.set({ epoch: S.epoch + (k === "]" ? 1 : -1) });
    else if ("wasdWASD".includes(k) && k.length === 1) {
      const step = 0.12, lower = k.toLowerCase();
      S.camera.turn(lower === "a" ? -step : lower === "d" ? step : 0, lower === "w" ? -step : lower === "s" ? step : 0);
      S.cameraMoved = true; S.redraw();
    } else if (k === "g" || k === "G") api.set({ grid: !S.showGrid });
    else if (k === "p" || k === "P") { const ks = S.net.kinds; api.set({ kind: ks[(ks.indexOf(S.kind) + 1) % ks.length] }); }
    else if (k === "0") { S.camera.reset(); S.cameraMoved = true; S.redrawAll(); }
    else handled = false;
    if (handled) e.preventDefault();
  }
})();
