"use strict";
// cubenet explorer, drawing: one shared camera, point clouds (depth-sorted sprites), grids, boxes and cubes.
(function () {
  const CX = (window.CX = window.CX || {});

  CX.Camera = function () { this.reset(); };
  CX.Camera.prototype.reset = function () { this.yaw = -0.62; this.pitch = 0.42; };
  CX.Camera.prototype.turn = function (dyaw, dpitch) {
    this.yaw += dyaw;
    this.pitch = Math.max(-1.5, Math.min(1.5, this.pitch + dpitch));
  };
  // Rotation matrix rows (screen x, screen y, depth towards the viewer) for world (x right, y up, z front).
  CX.Camera.prototype.matrix = function () {
    const cy = Math.cos(this.yaw), sy = Math.sin(this.yaw), cp = Math.cos(this.pitch), sp = Math.sin(this.pitch);
    return [cy, 0, sy, sp * sy, cp, -sp * cy, -cp * sy, sp, cp * cy];
  };

  // A canvas sized for its CSS box and the device pixel ratio; 2-D context scaled to CSS pixels.
  CX.fit = function (canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(10, canvas.clientWidth), h = Math.max(10, canvas.clientHeight);
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w, h, dpr };
  };

  const spriteCache = new Map();
  function sprite(color, r, dpr) {
    const key = color + "|" + r + "|" + dpr;
    if (spriteCache.has(key)) return spriteCache.get(key);
    const size = Math.ceil((2 * r + 2) * dpr);
    const c = document.createElement("canvas");
    c.width = c.height = size;
    const g = c.getContext("2d");
    g.scale(dpr, dpr);
    g.beginPath(); g.arc(r + 1, r + 1, r, 0, 2 * Math.PI);
    g.fillStyle = color; g.fill();
    g.lineWidth = 0.8; g.strokeStyle = "rgba(20,20,20,0.85)"; g.stroke();
    spriteCache.set(key, c);
    return c;
  }

  // A view: the screen mapping of box coordinates [-1, 1]^3 (3-D through the camera, or flat x-y).
  CX.Projector = function (w, h, dims, camera, zoom) {
    this.cx = w / 2; this.cy = h / 2;
    this.dims = dims;
    this.scale = (Math.min(w, h) / 2) * (dims === 3 ? 0.6 : 0.84) * (zoom || 1);
    this.M = dims === 3 ? camera.matrix() : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  };
  CX.Projector.prototype.apply = function (P, n, sx, sy, depth) {
    const M = this.M, s = this.scale, cx = this.cx, cy = this.cy;
    for (let i = 0; i < n; i++) {
      const x = P[3 * i], y = P[3 * i + 1], z = this.dims === 3 ? P[3 * i + 2] : 0;
      sx[i] = cx + s * (M[0] * x + M[1] * y + M[2] * z);
      sy[i] = cy - s * (M[3] * x + M[4] * y + M[5] * z);
      if (depth) depth[i] = M[6] * x + M[7] * y + M[8] * z;
    }
  };
  CX.Projector.prototype.point = function (x, y, z) {
    const M = this.M, s = this.scale;
    if (this.dims !== 3) z = 0;
    return [this.cx + s * (M[0] * x + M[1] * y + M[2] * z), this.cy - s * (M[3] * x + M[4] * y + M[5] * z),
            M[6] * x + M[7] * y + M[8] * z];
  };

  // The fixed axis box: a wireframe cube (3-D) or square (2-D), and axis names at the positive ends.
  CX.drawBox = function (ctx, pr, labels) {
    ctx.save();
    ctx.strokeStyle = "rgba(90,90,90,0.35)"; ctx.lineWidth = 1;
    ctx.beginPath();
    const corners = [];
    for (let i = 0; i < 8; i++) corners.push(pr.point(i & 1 ? 1 : -1, i & 2 ? 1 : -1, i & 4 ? 1 : -1));
    const edges = pr.dims === 3 ? [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]]
      : [[0, 1], [1, 3], [3, 2], [2, 0]];
    for (const [a, b] of edges) { ctx.moveTo(corners[a][0], corners[a][1]); ctx.lineTo(corners[b][0], corners[b][1]); }
    ctx.stroke();
    if (labels) {
      ctx.fillStyle = "#444"; ctx.font = "14px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      const ends = [[1.14, -1, -1], [-1, 1.14, -1], [-1, -1, 1.14]];
      const axes = pr.dims === 3 ? 3 : 2;
      for (let a = 0; a < axes && a < labels.length; a++) {
        const e = pr.dims === 3 ? ends[a] : [[0, -1.09, 0], [-1.08, 0, 0]][a];
        const p = pr.point(e[0], e[1], e[2]);
        if (pr.dims !== 3 && a === 1) {
          ctx.save(); ctx.translate(p[0] - 6, p[1]); ctx.rotate(-Math.PI / 2); ctx.fillText(labels[a], 0, 0); ctx.restore();
        } else {
          const half = ctx.measureText(labels[a]).width / 2 + 3;
          ctx.fillText(labels[a], Math.max(half, Math.min(2 * pr.cx - half, p[0])), p[1] + (pr.dims !== 3 ? 8 : 0));
        }
      }
    }
    ctx.restore();
  };

  // Polylines of the warped grid: G (lines·steps × 3 box coordinates), drawn under the points.
  CX.drawGrid = function (ctx, pr, G, lines, steps) {
    const n = lines * steps;
    const sx = new Float32Array(n), sy = new Float32Array(n);
    pr.apply(G, n, sx, sy, null);
    ctx.save();
    ctx.strokeStyle = "rgba(40,40,40,0.30)"; ctx.lineWidth = 1;
    ctx.beginPath();
    for (let l = 0; l < lines; l++) {
      const o = l * steps;
      ctx.moveTo(sx[o], sy[o]);
      for (let s = 1; s < steps; s++) ctx.lineTo(sx[o + s], sy[o + s]);
    }
    ctx.stroke();
    ctx.restore();
  };

  // Points P (n × 3 box coordinates) in class colours, far to near; dimmed where lit[i] is 0.
  // Returns the screen positions (for hover) and draws rings around the marked points.
  CX.drawPoints = function (ctx, pr, P, n, opts) {
    const sx = opts.sx && opts.sx.length === n ? opts.sx : new Float32Array(n);
    const sy = opts.sy && opts.sy.length === n ? opts.sy : new Float32Array(n);
    const depth = new Float32Array(n);
    pr.apply(P, n, sx, sy, depth);
    let order = opts.order;
    if (!order || order.length !== n) order = new Uint32Array(n).map((_, i) => i);
    let dmin = Infinity, dmax = -Infinity;
    if (pr.dims === 3) {
      for (let i = 0; i < n; i++) { if (depth[i] < dmin) dmin = depth[i]; if (depth[i] > dmax) dmax = depth[i]; }
      depthOrder(depth, n, dmin, dmax, order);
    }
    const r = opts.radius || 3.2, dpr = opts.dpr || 1;
    const lit = opts.lit, y = opts.y;
    const sprites = opts.colors.map((c) => spritePixels(c, r, dpr));
    const span = dmax > dmin ? dmax - dmin : 1;
    // depth cue: far points fainter (8 levels), so the near side of a 3-D cloud reads as a surface
    const alphaOf = (i, scale) => (pr.dims === 3 ? scale * (0.3 + (0.7 * Math.round((7 * (depth[i] - dmin)) / span)) / 7) : scale);
    const layer = pointLayer(ctx.canvas.width, ctx.canvas.height);
    const off = (r + 1) * dpr;
    const pass = (wantLit, scale) => {
      for (let j = 0; j < n; j++) {
        const i = order[j];
        if (lit && !!lit[i] !== wantLit) continue;
        blit(layer, sprites[y[i]], Math.round(sx[i] * dpr - off), Math.round(sy[i] * dpr - off), alphaOf(i, scale));
      }
    };
    if (lit) { pass(false, 0.12); pass(true, 1); } else pass(true, 1);
    layer.ctx.putImageData(layer.img, 0, 0);
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.drawImage(layer.canvas, 0, 0); ctx.restore();
    for (const m of opts.marks || []) {
      if (m < 0 || m >= n) continue;
      ctx.beginPath(); ctx.arc(sx[m], sy[m], r + 5, 0, 2 * Math.PI);
      ctx.lineWidth = 3; ctx.strokeStyle = "#111"; ctx.stroke();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#fff"; ctx.stroke();
    }
    return { sx, sy, order, lit: opts.lit || null };
  };

  // Points are blended into one RGBA buffer in JavaScript and composited once: thousands of drawImage calls
  // cost ~4 µs each, a blended sprite ~0.3 µs.
  const spritePix = new Map();
  function spritePixels(color, r, dpr) {
    const key = color + "|" + r + "|" + dpr;
    if (!spritePix.has(key)) {
      const c = sprite(color, r, dpr);
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      spritePix.set(key, { w: c.width, h: c.height, d: Uint8Array.from(d) });
    }
    return spritePix.get(key);
  }
  const layers = new Map();
  function pointLayer(w, h) {
    const key = w + "x" + h;
    if (!layers.has(key)) {
      const canvas = document.createElement("canvas"); canvas.width = w; canvas.height = h;
      const ctx = canvas.getContext("2d");
      layers.set(key, { canvas, ctx, img: ctx.createImageData(w, h), w, h });
    }
    const layer = layers.get(key);
    layer.img.data.fill(0);
    return layer;
  }
  function blit(layer, sp, x0, y0, alpha) {
    const D = layer.img.data, W = layer.w, H = layer.h, S = sp.d;
    for (let v = 0; v < sp.h; v++) {
      const yy = y0 + v;
      if (yy < 0 || yy >= H) continue;
      for (let u = 0; u < sp.w; u++) {
        const xx = x0 + u;
        if (xx < 0 || xx >= W) continue;
        const s = 4 * (v * sp.w + u), sa = (S[s + 3] * alpha) / 255;
        if (sa <= 0.004) continue;
        const p = 4 * (yy * W + xx), da = D[p + 3] / 255, oa = sa + da * (1 - sa), k = da * (1 - sa);
        D[p] = (S[s] * sa + D[p] * k) / oa; D[p + 1] = (S[s + 1] * sa + D[p + 1] * k) / oa;
        D[p + 2] = (S[s + 2] * sa + D[p + 2] * k) / oa; D[p + 3] = 255 * oa;
      }
    }
  }

  // Far-to-near order by a counting sort on 1024 depth levels (a comparison sort costs more per redraw).
  const BINS = 1024;
  const counts = new Uint32Array(BINS + 1);
  let binOf = new Uint16Array(0);
  function depthOrder(depth, n, dmin, dmax, order) {
    if (binOf.length < n) binOf = new Uint16Array(n);
    counts.fill(0);
    const k = (BINS - 1) / (dmax > dmin ? dmax - dmin : 1);
    for (let i = 0; i < n; i++) { const b = ((depth[i] - dmin) * k) | 0; binOf[i] = b; counts[b + 1]++; }
    for (let b = 0; b < BINS; b++) counts[b + 1] += counts[b];
    for (let i = 0; i < n; i++) order[counts[binOf[i]]++] = i;
  }

  // Nearest drawn point to (x, y) within maxDist CSS pixels, or -1.
  CX.nearest = function (screen, n, x, y, maxDist) {
    let best = -1, bd = maxDist * maxDist;
    if (!screen) return -1;
    for (let i = 0; i < n; i++) {
      const dx = screen.sx[i] - x, dy = screen.sy[i] - y, d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
    }
    return best;
  };

  // Squares on the faces of a cube in [-1.5, 1.5]^3: quads (m × 4 × 3 world units) with a colour each.
  // Only faces towards the viewer are drawn; returns the screen polygons drawn (for clicks).
  CX.drawQuads = function (ctx, pr, quads, colors, opts) {
    const m = quads.length / 12, s = 1 / 1.5;
    const drawn = [];
    const byColor = new Map();
    for (let q = 0; q < m; q++) {
      const o = q * 12;
      const cx = (quads[o] + quads[o + 3] + quads[o + 6] + quads[o + 9]) / 4;
      const cy = (quads[o + 1] + quads[o + 4] + quads[o + 7] + quads[o + 10]) / 4;
      const cz = (quads[o + 2] + quads[o + 5] + quads[o + 8] + quads[o + 11]) / 4;
      const ax = Math.abs(cx), ay = Math.abs(cy), az = Math.abs(cz);
      const nrm = ax >= ay && ax >= az ? [Math.sign(cx), 0, 0] : ay >= az ? [0, Math.sign(cy), 0] : [0, 0, Math.sign(cz)];
      const M = pr.M;
      if (M[6] * nrm[0] + M[7] * nrm[1] + M[8] * nrm[2] <= 1e-6) continue;
      const poly = [];
      for (let k = 0; k < 4; k++) poly.push(pr.point(quads[o + 3 * k] * s, quads[o + 3 * k + 1] * s, quads[o + 3 * k + 2] * s));
      drawn.push({ q, poly });
      const col = colors[q];
      if (!byColor.has(col)) byColor.set(col, []);
      byColor.get(col).push(poly);
    }
    for (const [col, polys] of byColor) {
      ctx.beginPath();
      for (const p of polys) { ctx.moveTo(p[0][0], p[0][1]); for (let k = 1; k < 4; k++) ctx.lineTo(p[k][0], p[k][1]); ctx.closePath(); }
      ctx.fillStyle = col; ctx.fill();
      if (opts && opts.edge) { ctx.lineWidth = opts.edge; ctx.strokeStyle = "#1a1a1a"; ctx.stroke(); }
    }
    if (opts && opts.crosses) {
      ctx.beginPath();
      for (const { q, poly: p } of drawn) {
        if (!opts.crosses[q]) continue;
        ctx.moveTo(p[0][0], p[0][1]); ctx.lineTo(p[2][0], p[2][1]); ctx.moveTo(p[1][0], p[1][1]); ctx.lineTo(p[3][0], p[3][1]);
      }
      ctx.lineWidth = 1.6; ctx.strokeStyle = "#000"; ctx.stroke();
    }
    if (opts && opts.outline !== undefined && opts.outline >= 0) {
      for (const { q, poly: p } of drawn) {
        if (q !== opts.outline) continue;
        ctx.beginPath(); ctx.moveTo(p[0][0], p[0][1]); for (let k = 1; k < 4; k++) ctx.lineTo(p[k][0], p[k][1]); ctx.closePath();
        ctx.lineWidth = 4; ctx.strokeStyle = "#000"; ctx.stroke(); ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke();
      }
    }
    return drawn;
  };

  CX.hitPolygon = function (drawn, x, y) {
    for (let j = drawn.length - 1; j >= 0; j--) {
      const p = drawn[j].poly;
      let inside = false;
      for (let a = 0, b = 3; a < 4; b = a++) {
        if ((p[a][1] > y) !== (p[b][1] > y) && x < ((p[b][0] - p[a][0]) * (y - p[a][1])) / (p[b][1] - p[a][1]) + p[a][0]) inside = !inside;
      }
      if (inside) return drawn[j].q;
    }
    return -1;
  };

  // The 54 stickers (centres × 2, URFDLB order) as quads of side 0.92 on their faces.
  CX.stickerQuads = function (centers2) {
    const out = new Float32Array(54 * 12);
    for (let i = 0; i < 54; i++) {
      const c = [centers2[3 * i] / 2, centers2[3 * i + 1] / 2, centers2[3 * i + 2] / 2];
      const axis = [0, 1, 2].reduce((a, b) => (Math.abs(c[b]) > Math.abs(c[a]) ? b : a), 0);
      const [u, v] = [0, 1, 2].filter((a) => a !== axis);
      const h = 0.46;
      [[-h, -h], [h, -h], [h, h], [-h, h]].forEach(([du, dv], k) => {
        const p = c.slice(); p[u] += du; p[v] += dv;
        out.set(p, i * 12 + 3 * k);
      });
    }
    return out;
  };

  // Surface cells from integer corners (0..R per axis) to world units.
  CX.cellQuads = function (corners, R) {
    const out = new Float32Array(corners.length);
    for (let i = 0; i < corners.length; i++) out[i] = -1.5 + (3 * corners[i]) / R;
    return out;
  };
})();
