"use strict";
// cubenet play: the page's controls, its connection to the local server, and its live curves.
(function () {
  const CONFIG = window.CUBENET_PLAY;          // datasets and their options, from the server
  const $ = (id) => document.getElementById(id);
  const session = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  const state = { data: null, points: null, epochs: [], loss: [], train: [], test: [], probes: null,
                  dataVersion: 0, events: 0, training: false, yaw: 0.6, pitch: 0.35, moves: [], explorerEpochs: [] };
  window.cubenetPlay = { state: () => state, session };

  function status(text, error) { const el = $("status"); el.textContent = text; el.className = error ? "error" : ""; }

  async function post(path, body) {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                         body: JSON.stringify(Object.assign({ session }, body)) });
    const payload = await response.json();
    if (!response.ok) throw new Error(payload.error || response.statusText);
    return payload;
  }

  // --- controls -------------------------------------------------------------------------------
  function fillDatasets() {
    const select = $("dataset");
    for (const spec of CONFIG.datasets) select.add(new Option(spec.name + " — " + spec.summary, spec.name));
    select.value = CONFIG.initial;
    select.onchange = () => { state.moves = []; showOptions(); loadData(); };
    showOptions();
  }

  function spec() { return CONFIG.datasets.find((d) => d.name === $("dataset").value); }

  function showOptions() {
    const box = $("data-options");
    box.textContent = "";
    for (const [name, value] of Object.entries(spec().options)) {
      const label = document.createElement("label");
      label.textContent = name + " ";
      const input = document.createElement("input");
      input.type = "text"; input.dataset.option = name; input.value = value === null ? "" : String(value);
      input.onchange = loadData;
      label.appendChild(input); box.appendChild(label);
    }
    $("cube-moves").style.display = spec().name === "color-cube" ? "" : "none";
  }

  function dataRequest() {
    const params = {};
    for (const input of document.querySelectorAll("#data-options input")) {
      const text = input.value.trim();
      if (text === "") continue;
      params[input.dataset.option] = /^-?\d+$/.test(text) ? Number(text) : /^-?[\d.]+(e-?\d+)?$/i.test(text) ? Number(text) : text;
    }
    if (spec().name === "color-cube" && state.moves.length) params.moves = state.moves.join(" ");
    return { data: { name: spec().name, params, n: spec().n }, seed: Number($("seed").value) };
  }

  async function loadData() {
    try {
      const payload = await post("/api/data", dataRequest());
      const bytes = Uint8Array.from(atob(payload.points), (c) => c.charCodeAt(0));
      state.data = payload; state.points = new Float32Array(bytes.buffer); state.dataVersion += 1;
      status(payload.scramble ? "scramble: " + payload.scramble : payload.n_train + " training points");
      draw();
    } catch (err) { status(err.message, true); }
  }

  function moveButtons() {
    for (const face of "URFDLB") for (const suffix of ["", "'", "2"]) {
      const button = document.createElement("button");
      button.textContent = face + suffix;
      button.onclick = () => { state.moves.push(face + suffix); $("moves-text").value = state.moves.join(" "); loadData(); };
      $("moves").appendChild(button);
    }
    $("apply-moves").onclick = () => { state.moves = $("moves-text").value.trim().split(/\s+/).filter(Boolean); loadData(); };
    $("clear-moves").onclick = () => {
      state.moves = []; $("moves-text").value = "";
      const twists = document.querySelector("#data-options input[data-option=twists]");
      if (twists) twists.value = "0";
      loadData();
    };
  }

  function network() {
    if ($("kind").value === "steps") return { steps: Number($("steps").value), inner: Number($("inner").value) };
    return { hidden: $("hidden").value.split(",").map((s) => s.trim()).filter(Boolean).map(Number) };
  }

  function showNetwork() {
    const steps = $("kind").value === "steps";
    $("wide-options").hidden = steps; $("step-options").hidden = !steps;
  }

  // The explorer (the same page as a run's explorer.html) in a sandboxed frame: loaded once, then fed the
  // latest epoch while training (posted into the frame, which keeps its camera and sliders), and at the end
  // the finished network with every view's display fidelity.
  // one request at a time: the final one waits for a live one in flight, so a late live epoch never
  // lands on top of the finished network
  const live = { pending: null, timer: null, frameReady: false, ended: false };

  async function explorerRequest(form) {
    const response = await fetch("/api/explorer?session=" + session + "&as=" + form);
    const payload = await response.json();
    if (!response.ok) throw new Error(payload.error || response.statusText);
    return payload;
  }

  function refreshExplorer(final) {
    if (!final && (live.pending || live.ended)) return live.pending;
    live.pending = showExplorer(final).finally(() => { live.pending = null; });
    return live.pending;
  }

  async function showExplorer(final) {
    try {
      if (!live.frameReady) {
        const payload = await explorerRequest("html");
        await new Promise((resolve) => { $("explorer").onload = resolve; $("explorer").srcdoc = payload.html; });
        live.frameReady = true;
        if (payload.final) { state.explorer = true; explorerHint(true); return; }
        state.explorerEpochs.push(-1);  // a live page is showing (its epoch is in its own state)
        if (!final) return;
      }
      const payload = await explorerRequest("data");
      $("explorer").contentWindow.postMessage({ type: "cubenet-explorer-data", data: payload.data, final: payload.final }, "*");
      if (payload.final) { state.explorer = true; explorerHint(true); }
    } catch (err) {
      if (final) $("explorer-hint").textContent = "the explorer could not be built: " + err.message;
    }
  }

  function explorerHint(final) {
    $("explorer-hint").textContent = final ? "the finished network: drag to turn, scrub the layer, stage and epoch sliders"
      : "training: the explorer follows the latest epoch (several times a second)";
  }

  window.addEventListener("message", (event) => {
    if (event.source === $("explorer").contentWindow && event.data && event.data.type === "cubenet-explorer-shown") {
      state.explorerEpochs.push(event.data.epoch);
    }
  });

  function startLiveExplorer() {
    clearInterval(live.timer);
    live.frameReady = false;
    live.ended = false;
    state.explorerEpochs = [];
    explorerHint(false);
    live.timer = setInterval(() => { if (state.training && state.epochs.length) refreshExplorer(false); }, 250);
  }

  async function loadExplorer() {
    clearInterval(live.timer);
    live.ended = true;
    await live.pending;
    refreshExplorer(true);
  }

  async function train() {
    const training = { optimizer: $("optimizer").value, epochs: Number($("epochs").value) };
    if ($("optimizer").value !== "lbfgs") training.lr = Number($("lr").value);
    try {
      const payload = await post("/api/train", Object.assign(dataRequest(), { network: network(), training }));
      Object.assign(state, { epochs: [], loss: [], train: [], test: [], probes: null, events: 0, training: true,
                             explorer: false });
      startLiveExplorer();
      $("command").textContent = payload.command;
      status("training…");
      listen();
    } catch (err) { status(err.message, true); }
  }

  function listen() {
    const source = new EventSource("/api/events?session=" + session + "&from=0");
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      state.events += 1;
      if (event.type === "epoch") {
        state.epochs.push(event.epoch); state.loss.push(event.loss);
        state.train.push(event.train_accuracy); state.test.push(event.test_accuracy);
        if (event.probes) state.probes = event.probes;
        status(`epoch ${event.epoch}: loss ${event.loss.toFixed(4)}, test ${(100 * event.test_accuracy).toFixed(1)} % (subset)`);
      } else if (event.type === "numbers") {
        state.probes = event.probes; state.final = true; source.close();
        loadExplorer();
      } else if (event.type === "done") {
        state.training = false;
        if (event.state === "failed") source.close();
        const score = event.test_accuracy === undefined ? "" : ` — test accuracy ${(100 * event.test_accuracy).toFixed(2)} % on every test point`;
        const warn = (event.warnings || []).map((w) => " Warning: " + w).join("");
        status(`${event.state}: ${event.reason}${score}${warn}`, event.state === "failed" || warn !== "");
      }
      draw();
    };
    source.onerror = () => { if (state.training) status("lost the connection to the server", true); source.close(); };
  }

  // --- drawing --------------------------------------------------------------------------------
  function canvas(id) {
    const el = $(id), ratio = window.devicePixelRatio || 1;
    el.width = el.clientWidth * ratio; el.height = el.clientHeight * ratio;
    const ctx = el.getContext("2d"); ctx.scale(ratio, ratio);
    return [ctx, el.clientWidth, el.clientHeight];
  }

  function axes(ctx, w, h, ylabel, xlabel) {
    ctx.strokeStyle = "#90a4ae"; ctx.fillStyle = "#333"; ctx.font = "14px system-ui";
    ctx.strokeRect(50, 10, w - 60, h - 50);
    ctx.fillText(xlabel, w / 2 - 30, h - 8);
    ctx.save(); ctx.translate(14, h / 2 + 30); ctx.rotate(-Math.PI / 2); ctx.fillText(ylabel, 0, 0); ctx.restore();
  }

  function line(ctx, xs, ys, x0, x1, y0, y1, box, color) {
    if (!xs.length) return;
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    xs.forEach((x, i) => {
      const px = box.x + (x - x0) / Math.max(x1 - x0, 1e-9) * box.w, py = box.y + box.h - (ys[i] - y0) / (y1 - y0) * box.h;
      i ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
    });
    ctx.stroke();
  }

  function drawCurve() {
    const [ctx, w, h] = canvas("curve");
    axes(ctx, w, h, "accuracy / loss", "epoch");
    const box = { x: 50, y: 10, w: w - 60, h: h - 50 }, last = Math.max(1, state.epochs[state.epochs.length - 1] || 1);
    const top = Math.max(1, ...state.loss);
    line(ctx, state.epochs, state.loss.map((l) => l / top), 0, last, 0, 1, box, "#222");
    line(ctx, state.epochs, state.train, 0, last, 0, 1, box, "#1e88e5");
    line(ctx, state.epochs, state.test, 0, last, 0, 1, box, "#fb8c00");
    ctx.fillStyle = "#333"; ctx.fillText("0", 36, h - 40); ctx.fillText("1", 36, 22); ctx.fillText(String(last), w - 30, h - 26);
  }

  function drawProbes() {
    const [ctx, w, h] = canvas("probes");
    axes(ctx, w, h, "probe accuracy", "layer (0 = input)");
    if (!state.probes) return;
    const n = state.probes.length, box = { x: 50, y: 10, w: w - 60, h: h - 50 };
    line(ctx, state.probes.map((_, i) => i), state.probes, 0, n - 1, 0, 1, box, "#6a1b9a");
    ctx.fillStyle = "#333";
    state.probes.forEach((p, i) => {  // labels under the line near the top, so none is cut off
      const x = Math.min(box.x + i / Math.max(n - 1, 1) * box.w - 14, box.x + box.w - 34), y = box.y + box.h - p * box.h;
      ctx.fillText(`${Math.round(100 * p)}%`, x, p > 0.85 ? y + 18 : y - 8);
    });
  }

  function drawView() {
    const [ctx, w, h] = canvas("view");
    if (!state.points) return;
    const d = state.data.n_features, n = state.data.labels.length;
    const cy = Math.cos(state.yaw), sy = Math.sin(state.yaw), cp = Math.cos(state.pitch), sp = Math.sin(state.pitch);
    let scale = 0;
    for (let i = 0; i < state.points.length; i++) scale = Math.max(scale, Math.abs(state.points[i]));
    const s = Math.min(w, h) / 2.4 / (scale || 1);
    for (let i = 0; i < n; i++) {
      const x = state.points[i * d], y = d > 1 ? state.points[i * d + 1] : 0, z = d > 2 ? state.points[i * d + 2] : 0;
      let px = x, py = y;
      if (d === 3) { const xr = cy * x + sy * z, zr = -sy * x + cy * z; px = xr; py = cp * y - sp * zr; }
      ctx.fillStyle = state.data.class_colors[state.data.labels[i]];
      ctx.fillRect(w / 2 + px * s - 1.5, h / 2 - py * s - 1.5, 3, 3);
    }
  }

  function draw() { drawView(); drawCurve(); drawProbes(); }

  function dragToTurn() {
    let last = null;
    const view = $("view");
    view.onpointerdown = (e) => { last = [e.clientX, e.clientY]; view.setPointerCapture(e.pointerId); };
    view.onpointermove = (e) => {
      if (!last) return;
      state.yaw += (e.clientX - last[0]) * 0.01; state.pitch += (e.clientY - last[1]) * 0.01; last = [e.clientX, e.clientY];
      drawView();
    };
    view.onpointerup = () => { last = null; };
  }

  $("train").onclick = train;
  $("kind").onchange = showNetwork;
  $("stop").onclick = () => post("/api/stop", {}).catch((err) => status(err.message, true));
  $("reset").onclick = () => post("/api/reset", {}).then(() => {
    Object.assign(state, { epochs: [], loss: [], train: [], test: [], probes: null }); status("reset"); draw();
  }).catch((err) => status(err.message, true));
  $("copy").onclick = () => navigator.clipboard.writeText($("command").textContent).then(() => status("command copied"));
  $("save").onclick = () => post("/api/save", { name: $("run-name").value })
    .then((p) => status(`saved ${p.saved}; draw it with: ${p.render}`)).catch((err) => status(err.message, true));
  window.addEventListener("resize", draw);
  fillDatasets(); moveButtons(); dragToTurn(); showNetwork(); loadData();
})();
