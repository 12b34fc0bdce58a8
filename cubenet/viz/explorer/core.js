"use strict";
// cubenet explorer, core: decode the embedded data, run the network's forward pass in the page, and turn
// every layer into keyframes in its panel's fixed axis box. Positions at any stage are linear blends of them.
(function () {
  const CX = (window.CX = window.CX || {});
  const TYPES = { f64: Float64Array, f32: Float32Array, u16: Uint16Array, u8: Uint8Array, i8: Int8Array };

  CX.decode = function (entry) {
    if (!entry) return null;
    const bin = atob(entry.b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TYPES[entry.dtype](bytes.buffer);
  };

  const ACT = {
    relu: (z) => (z > 0 ? z : 0),
    leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
    tanh: (z) => Math.tanh(z),
    identity: (z) => z,
  };

  // The network as the page holds it: per epoch the weights (MLP) or the states (step network).
  CX.Net = function (data) {
    this.data = data;
    const m = data.model;
    this.type = m.type;
    this.names = m.names;
    this.L = this.names.length - 1; // representations 0..L
    this.kinds = data.kinds.map((k) => k.id);
    this.epochs = data.epochs.map((e) => this.decodeEpoch(e));
    if (m.type === "mlp") {
      this.sizes = m.sizes;
      this.acts = m.activations;
      this.mean = CX.decode(m.input_mean);
      this.scale = CX.decode(m.input_scale);
    }
    this.cache = new Map();
  };

  CX.Net.prototype.decodeEpoch = function (e) {
    const out = { epoch: e.epoch, probe: e.probe, fidelity: e.fidelity, boxes: e.boxes || this.data.boxes };
    if (e.params) out.params = e.params.map((p) => ({ W: CX.decode(p.W), b: CX.decode(p.b), fi: p.W.shape[0], fo: p.W.shape[1] }));
    if (e.views) {
      out.views = {};
      for (const k of Object.keys(e.views)) {
        out.views[k] = e.views[k].map((v) => (v ? { mean: CX.decode(v.mean), basis: CX.decode(v.basis), k: v.basis.shape[1] } : null));
      }
    }
    const dequant = (list) => list.map((s) => {
        const q = CX.decode(s.q);
        const dim = s.lo.length;
        const x = new Float64Array(q.length);
        for (let i = 0; i < q.length; i++) {
          const a = i % dim;
          x[i] = s.lo[a] + (q[i] / 65535) * (s.hi[a] - s.lo[a]);
        }
        return x;
      });
    if (e.states) out.states = dequant(e.states);
    if (e.grid_states) out.gridStates = dequant(e.grid_states);
    return out;
  };

  // Stages of representation r (1..L): hidden layers W, +b, activation; the output W, +b; a step one flow.
  CX.Net.prototype.nStages = function (r) {
    if (r <= 0) return 0;
    if (this.type === "steps") return 1;
    return r === this.L ? 2 : 3;
  };

  CX.Net.prototype.stageNames = function (r) {
    if (r <= 0) return [];
    if (this.type === "steps") return ["flow"];
    return r === this.L ? ["W", "+b"] : ["W", "+b", this.acts[r - 1]];
  };

  CX.Net.prototype.drawnDims = function (r) {
    if (this.type === "steps") return this.data.model.dim;
    const width = this.type === "mlp" ? this.sizes[r] : 3;
    return Math.min(width, 3);
  };

  // Full forward pass of n points X (n × d, raw inputs) at epoch e: posts[r], pres[r] (n × width_r).
  CX.Net.prototype.forward = function (e, X, n) {
    const ep = this.epochs[e];
    const d = this.sizes[0];
    let h = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const x = X[i * d + j];
        h[i * d + j] = Math.fround(this.mean ? (x - this.mean[j]) / this.scale[j] : x);
      }
    }
    const posts = [h], pres = [null];
    for (let l = 0; l < ep.params.length; l++) {
      const { W, b, fi, fo } = ep.params[l];
      const z = new Float64Array(n * fo);
      for (let i = 0; i < n; i++) {
        const hi = i * fi, zi = i * fo;
        for (let o = 0; o < fo; o++) z[zi + o] = b[o];
        for (let k = 0; k < fi; k++) {
          const v = h[hi + k];
          if (v === 0) continue;
          const wk = k * fo;
          for (let o = 0; o < fo; o++) z[zi + o] += v * W[wk + o];
        }
      }
      if (l === ep.params.length - 1) { pres.push(null); posts.push(z); break; }
      const f = ACT[this.acts[l]];
      const a = new Float64Array(n * fo);
      for (let i = 0; i < a.length; i++) a[i] = f(z[i]);
      pres.push(z); posts.push(a);
      h = a;
    }
    return { posts, pres };
  };

  // Drawn coordinates (n × 3, in the panel's box: centre c, half-width s) of H (n × width) through view v.
  CX.project = function (H, n, width, view, box, shift) {
    const out = new Float32Array(n * 3);
    const c = box.c, s = box.s;
    if (!view) {
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < 3; a++) {
          const x = a < width ? H[i * width + a] - (shift ? shift[a] : 0) : 0;
          out[i * 3 + a] = (x - c[a]) / s;
        }
      }
      return out;
    }
    const B = view.basis, m = view.mean, k = view.k;
    const row = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < width; j++) row[j] = H[i * width + j] - (shift ? shift[j] : 0) - m[j];
      for (let a = 0; a < 3; a++) {
        let acc = 0;
        if (a < k) for (let j = 0; j < width; j++) acc += row[j] * B[j * k + a];
        out[i * 3 + a] = (acc - (a < k ? c[a] : 0)) / s;
      }
    }
    return out;
  };

  // Keyframes of a point set at epoch e through projection kind: K[r] = {post, w, b} in box coordinates.
  CX.Net.prototype.keyframes = function (set, e, kind, X, n) {
    const key = set + "|" + e + "|" + kind;
    if (this.cache.has(key)) return this.cache.get(key);
    const ep = this.epochs[e];
    const boxes = ep.boxes[kind];
    const K = [];
    let full = null;
    if (this.type === "steps") {
      const dim = this.data.model.dim;
      const states = set === "points" ? ep.states : ep.gridStates;
      if (!states) return null;
      for (let r = 0; r <= this.L; r++) K.push({ post: CX.project(states[r], n, dim, null, boxes[r]) });
    } else {
      full = this.forward(e, X, n);
      for (let r = 0; r <= this.L; r++) {
        const v = ep.views[kind][r], width = this.sizes[r], box = boxes[r];
        const frame = { post: CX.project(full.posts[r], n, width, v, box) };
        if (r > 0) {
          const z = full.pres[r] || full.posts[r];
          frame.b = r === this.L ? frame.post : CX.project(z, n, width, v, box);
          frame.w = CX.project(z, n, width, v, box, ep.params[r - 1].b);
        }
        K.push(frame);
      }
    }
    const result = { K, full, n };
    this.cache.set(key, result);
    return result;
  };

  function lerp(A, B, t, out) {
    const u = 1 - t;
    for (let i = 0; i < A.length; i++) out[i] = u * A[i] + t * B[i];
    return out;
  }

  // Positions (n × 3 box coordinates) of representation r at stage s (0..nStages(r), continuous).
  CX.Net.prototype.at = function (frames, r, s, out) {
    const K = frames.K;
    out = out || new Float32Array(K[0].post.length);
    if (r <= 0) { out.set(K[0].post); return out; }
    const ns = this.nStages(r);
    s = Math.max(0, Math.min(ns, s));
    if (this.type === "steps") return lerp(K[r - 1].post, K[r].post, s, out);
    const seg = Math.min(ns - 1, Math.floor(s));
    const t = s - seg;
    const from = [K[r - 1].post, K[r].w, K[r].b][seg];
    const to = [K[r].w, K[r].b, K[r].post][seg];
    return lerp(from, to, t, out);
  };

  // The straight lines of the grid (2-D) or lattice (3-D) over the inputs, in raw input coordinates.
  CX.gridPoints = function (g) {
    const dim = g.lo.length, nl = g.lines, ns = g.steps;
    const lo = [], hi = [];
    for (let a = 0; a < dim; a++) {
      const pad = 0.05 * (g.hi[a] - g.lo[a]);
      lo.push(g.lo[a] - pad); hi.push(g.hi[a] + pad);
    }
    const tick = (a, i) => lo[a] + ((hi[a] - lo[a]) * i) / (nl - 1);
    const pts = [];
    let lines = 0;
    for (let a = 0; a < dim; a++) {
      const others = [];
      for (let b = 0; b < dim; b++) if (b !== a) others.push(b);
      const combos = dim === 2 ? nl : nl * nl;
      for (let c = 0; c < combos; c++) {
        const fixed = dim === 2 ? [c] : [Math.floor(c / nl), c % nl];
        for (let s = 0; s < ns; s++) {
          const p = new Array(dim);
          p[a] = lo[a] + ((hi[a] - lo[a]) * s) / (ns - 1);
          others.forEach((b, j) => { p[b] = tick(b, fixed[j]); });
          pts.push(...p);
        }
        lines++;
      }
    }
    return { X: Float64Array.from(pts), n: lines * ns, lines, steps: ns };
  };

  // The input points as the page computes with them: float32 values, or uint8 pixels × step + lo.
  CX.inputs = function (points) {
    const raw = CX.decode(points.x);
    const X = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) X[i] = points.lo + raw[i] * points.step;
    return X;
  };
})();
