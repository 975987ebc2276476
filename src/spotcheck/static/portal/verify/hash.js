/* spotcheck browser verifier: SHA-256 (FIPS 180-4) and SM3 (GB/T 32905-2016) in plain JS.
 *
 * Both are Merkle-Damgard hashes with 64-byte blocks, a 64-bit big-endian bit length and
 * 32-byte digests, so they share the padding and the streaming code here and differ only in
 * their initial values and compression functions. The API works on byte ranges and writes
 * into caller-owned buffers so that the per-unit loops of the verifier allocate nothing:
 *
 *   h.digest(bytes)                                  -> new Uint8Array(32)
 *   h.digestInto(src, off, len, out, outOff)         one-shot hash of src[off, off+len)
 *   pre = h.prefix(bytes)                            absorb a fixed prefix once
 *   h.digestPrefixedInto(pre, src, off, len, out, outOff)   H(prefix || src[off, off+len))
 *
 * Synchronous on purpose: hashing hundreds of thousands of short messages through the
 * promise-based crypto.subtle.digest is slower than this (docs/browser-verifier.md).
 * Written from the two standards; tests: tests/browser/test_js_verifier.py.
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  S.parts.push(factory);
  factory(S);
})(function (S) {
  "use strict";

  function makeHasher(name, iv, compress) {
    var state = new Int32Array(8);
    var w = new Int32Array(68);
    var w1 = new Int32Array(64);
    var scratch = new Uint8Array(256);

    // Absorb every whole block of buf[off, off+len) into state; returns bytes consumed.
    function blocks(buf, off, len) {
      var n = len - (len % 64);
      for (var p = 0; p < n; p += 64) compress(state, buf, off + p, w, w1);
      return n;
    }

    function finish(tailBuf, tailOff, tailLen, totalLen, out, outOff) {
      // tailLen < 64 remaining bytes; pad with 0x80, zeros and the 64-bit bit length.
      var need = tailLen + 9 <= 64 ? 64 : 128;
      var s = scratch;
      for (var i = 0; i < tailLen; i++) s[i] = tailBuf[tailOff + i];
      s[tailLen] = 0x80;
      for (i = tailLen + 1; i < need; i++) s[i] = 0;
      var bits = totalLen * 8; // exact below 2^53
      var hi = Math.floor(bits / 4294967296);
      var lo = bits >>> 0;
      s[need - 8] = hi >>> 24;
      s[need - 7] = (hi >>> 16) & 255;
      s[need - 6] = (hi >>> 8) & 255;
      s[need - 5] = hi & 255;
      s[need - 4] = lo >>> 24;
      s[need - 3] = (lo >>> 16) & 255;
      s[need - 2] = (lo >>> 8) & 255;
      s[need - 1] = lo & 255;
      compress(state, s, 0, w, w1);
      if (need === 128) compress(state, s, 64, w, w1);
      for (i = 0; i < 8; i++) {
        var v = state[i];
        out[outOff + 4 * i] = v >>> 24;
        out[outOff + 4 * i + 1] = (v >>> 16) & 255;
        out[outOff + 4 * i + 2] = (v >>> 8) & 255;
        out[outOff + 4 * i + 3] = v & 255;
      }
    }

    function digestInto(src, off, len, out, outOff) {
      state.set(iv);
      var n = blocks(src, off, len);
      finish(src, off + n, len - n, len, out, outOff);
    }

    function prefix(bytes) {
      state.set(iv);
      var n = blocks(bytes, 0, bytes.length);
      return { h: Int32Array.from(state), tail: bytes.slice(n), length: bytes.length };
    }

    var joined = new Uint8Array(256);
    function digestPrefixedInto(pre, src, off, len, out, outOff) {
      state.set(pre.h);
      var t = pre.tail.length;
      if (t === 0) {
        var n0 = blocks(src, off, len);
        finish(src, off + n0, len - n0, pre.length + len, out, outOff);
        return;
      }
      if (t + len > joined.length) joined = new Uint8Array(2 * (t + len));
      joined.set(pre.tail, 0);
      joined.set(src.subarray(off, off + len), t);
      var n = blocks(joined, 0, t + len);
      finish(joined, n, t + len - n, pre.length + len, out, outOff);
    }

    function digest(bytes) {
      var out = new Uint8Array(32);
      digestInto(bytes, 0, bytes.length, out, 0);
      return out;
    }

    return {
      name: name,
      digest: digest,
      digestInto: digestInto,
      prefix: prefix,
      digestPrefixedInto: digestPrefixedInto,
    };
  }

  // ---- SHA-256 (FIPS 180-4, section 6.2) -------------------------------------------------
  var K256 = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
  ]);
  var IV256 = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
    0x5be0cd19,
  ]);

  function compress256(st, b, o, w) {
    var i, t1, t2, x, y;
    for (i = 0; i < 16; i++, o += 4) {
      w[i] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    }
    for (i = 16; i < 64; i++) {
      x = w[i - 15];
      y = w[i - 2];
      w[i] =
        (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
        w[i - 7] +
        (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
        w[i - 16];
    }
    var a = st[0], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    var bb = st[1];
    for (i = 0; i < 64; i++) {
      t1 =
        h +
        (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) +
        K256[i] +
        w[i];
      t2 =
        (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & bb) ^ (a & c) ^ (bb & c));
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    st[0] += a;
    st[1] += bb;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
  }

  // ---- SM3 (GB/T 32905-2016, sections 4 and 5) --------------------------------------------
  var IVSM3 = new Int32Array([
    0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d,
    0xb0fb0e4e,
  ]);
  var TSM3 = new Int32Array(64);
  (function () {
    for (var j = 0; j < 64; j++) {
      var t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      var n = j % 32;
      TSM3[j] = n === 0 ? t : (t << n) | (t >>> (32 - n));
    }
  })();

  function compressSm3(st, b, o, w, w1) {
    var j, x, y;
    for (j = 0; j < 16; j++, o += 4) {
      w[j] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    }
    for (j = 16; j < 68; j++) {
      y = w[j - 3];
      x = w[j - 16] ^ w[j - 9] ^ ((y << 15) | (y >>> 17));
      y = w[j - 13];
      w[j] =
        x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9)) ^ ((y << 7) | (y >>> 25)) ^ w[j - 6];
    }
    for (j = 0; j < 64; j++) w1[j] = w[j] ^ w[j + 4];
    var a = st[0], bb = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    var a12, ss1, ss2, tt1, tt2;
    for (j = 0; j < 64; j++) {
      a12 = (a << 12) | (a >>> 20);
      ss1 = (a12 + e + TSM3[j]) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      ss2 = ss1 ^ a12;
      if (j < 16) {
        tt1 = ((a ^ bb ^ c) + d + ss2 + w1[j]) | 0;
        tt2 = ((e ^ f ^ g) + h + ss1 + w[j]) | 0;
      } else {
        tt1 = (((a & bb) | (a & c) | (bb & c)) + d + ss2 + w1[j]) | 0;
        tt2 = (((e & f) | (~e & g)) + h + ss1 + w[j]) | 0;
      }
      d = c;
      c = (bb << 9) | (bb >>> 23);
      bb = a;
      a = tt1;
      h = g;
      g = (f << 19) | (f >>> 13);
      f = e;
      e = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
    }
    st[0] ^= a;
    st[1] ^= bb;
    st[2] ^= c;
    st[3] ^= d;
    st[4] ^= e;
    st[5] ^= f;
    st[6] ^= g;
    st[7] ^= h;
  }

  var HEX = [];
  for (var i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

  function toHex(bytes, off, len) {
    off = off || 0;
    len = len === undefined ? bytes.length - off : len;
    var s = "";
    for (var i = 0; i < len; i++) s += HEX[bytes[off + i]];
    return s;
  }

  function fromHex(hex) {
    var out = new Uint8Array(hex.length >> 1);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }

  S.toHex = toHex;
  S.fromHex = fromHex;
  // Each call returns a hasher with its own buffers (one per worker or per verification).
  S.hasher = function (name) {
    if (name === "sha256") return makeHasher("sha256", IV256, compress256);
    if (name === "sm3") return makeHasher("sm3", IVSM3, compressSm3);
    throw new Error("unknown hash " + name);
  };
});
