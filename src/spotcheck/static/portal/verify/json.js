/* spotcheck browser verifier: strict JSON reading and canonical JSON (docs/draw-protocol.md §3).
 *
 * parseStrict(bytes) reads a protocol document the way the reference verifier does
 * (verify.py load_strict: Python's json module with hooks): UTF-8 (a BOM is an error), no
 * duplicate key in one object (reported when the object closes, as Python's pairs hook does),
 * no float, exponent, NaN or Infinity (reported where the number is read). Integers are kept
 * exact: Numbers up to 2^53, BigInts beyond, so a commitment re-serialises byte for byte.
 * Objects are prototype-less (a key "__proto__" is an ordinary key).
 *
 * canonical(value) is json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  S.parts.push(factory);
  factory(S);
})(function (S) {
  "use strict";

  function DocumentError(check, message) {
    this.check = check;
    this.message = message;
  }

  // Parsed objects: no inherited properties at all (so "toString" in obj is false and a key
  // "__proto__" is an ordinary own key), yet created by a constructor so that V8 keeps them
  // in its fast, hidden-class form (Object.create(null) objects are slow dictionaries).
  function Obj() {}
  Obj.prototype = Object.create(null);

  // Python's int() refuses decimal strings longer than this (sys.int_info.default_max_str_digits).
  var MAX_INT_DIGITS = 4300;
  var MAX_DEPTH = 900;

  function parseText(text) {
    var i = 0;
    var n = text.length;
    var depth = 0;

    function fail(what) {
      throw new DocumentError("json", "not JSON: " + what + " at char " + i);
    }
    function ws() {
      for (;;) {
        var c = text.charCodeAt(i);
        if (c === 32 || c === 10 || c === 13 || c === 9) i++;
        else return;
      }
    }
    function str() {
      // text[i] is the opening quote.
      var start = ++i;
      var out = null;
      for (;;) {
        if (i >= n) fail("unterminated string");
        var c = text.charCodeAt(i);
        if (c === 34) {
          var chunk = text.slice(start, i);
          i++;
          return out === null ? chunk : out + chunk;
        }
        if (c < 32) fail("invalid control character");
        if (c !== 92) {
          i++;
          continue;
        }
        out = (out === null ? "" : out) + text.slice(start, i);
        var e = text.charCodeAt(i + 1);
        i += 2;
        if (e === 34) out += '"';
        else if (e === 92) out += "\\";
        else if (e === 47) out += "/";
        else if (e === 98) out += "\b";
        else if (e === 102) out += "\f";
        else if (e === 110) out += "\n";
        else if (e === 114) out += "\r";
        else if (e === 116) out += "\t";
        else if (e === 117) {
          var hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\uXXXX escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else fail("invalid escape");
        start = i;
      }
    }
    function num() {
      var start = i;
      if (text.charCodeAt(i) === 45) i++;
      var c = text.charCodeAt(i);
      if (c === 73 && text.startsWith("Infinity", i)) {
        i += 8;
        throw new DocumentError(
          "json.float",
          "number " + text.slice(start, i) + " is not an integer (floats are not allowed)"
        );
      }
      if (c === 48) i++;
      else if (c >= 49 && c <= 57) {
        while ((c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
      } else fail("expecting value");
      var intEnd = i;
      var isFloat = false;
      if (text.charCodeAt(i) === 46) {
        var d = i + 1;
        while ((c = text.charCodeAt(d)) >= 48 && c <= 57) d++;
        if (d > i + 1) {
          isFloat = true;
          i = d;
        }
      }
      c = text.charCodeAt(i);
      if (c === 101 || c === 69) {
        var k = i + 1;
        c = text.charCodeAt(k);
        if (c === 43 || c === 45) k++;
        var digits = k;
        while ((c = text.charCodeAt(k)) >= 48 && c <= 57) k++;
        if (k > digits) {
          isFloat = true;
          i = k;
        }
      }
      var lit = text.slice(start, i);
      if (isFloat) {
        throw new DocumentError(
          "json.float",
          "number " + lit + " is not an integer (floats are not allowed)"
        );
      }
      if (intEnd - start > MAX_INT_DIGITS) fail("integer too long");
      var v = Number(lit);
      if (Number.isSafeInteger(v)) return v === 0 ? 0 : v;
      return BigInt(lit);
    }
    function value() {
      ws();
      var c = text.charCodeAt(i);
      if (c === 34) return str();
      if (c === 123) {
        if (++depth > MAX_DEPTH) fail("too deeply nested");
        i++;
        var obj = new Obj();
        var dup = null;
        ws();
        if (text.charCodeAt(i) === 125) {
          i++;
          depth--;
          return obj;
        }
        for (;;) {
          ws();
          if (text.charCodeAt(i) !== 34) fail("expecting property name enclosed in double quotes");
          var key = str();
          ws();
          if (text.charCodeAt(i) !== 58) fail("expecting ':' delimiter");
          i++;
          var v = value();
          if (dup === null && Object.prototype.hasOwnProperty.call(obj, key)) dup = key;
          obj[key] = v;
          ws();
          c = text.charCodeAt(i);
          if (c === 44) {
            i++;
            continue;
          }
          if (c === 125) {
            i++;
            break;
          }
          fail("expecting ',' delimiter");
        }
        depth--;
        if (dup !== null) {
          throw new DocumentError(
            "json.duplicate-key",
            "key " + JSON.stringify(dup) + " appears twice in one object"
          );
        }
        return obj;
      }
      if (c === 91) {
        if (++depth > MAX_DEPTH) fail("too deeply nested");
        i++;
        var arr = [];
        ws();
        if (text.charCodeAt(i) === 93) {
          i++;
          depth--;
          return arr;
        }
        for (;;) {
          arr.push(value());
          ws();
          c = text.charCodeAt(i);
          if (c === 44) {
            i++;
            continue;
          }
          if (c === 93) {
            i++;
            break;
          }
          fail("expecting ',' delimiter");
        }
        depth--;
        return arr;
      }
      if (c === 116 && text.startsWith("true", i)) {
        i += 4;
        return true;
      }
      if (c === 102 && text.startsWith("false", i)) {
        i += 5;
        return false;
      }
      if (c === 110 && text.startsWith("null", i)) {
        i += 4;
        return null;
      }
      if (c === 78 && text.startsWith("NaN", i)) {
        i += 3;
        throw new DocumentError("json.float", "number NaN is not an integer (floats are not allowed)");
      }
      if (c === 45 || (c >= 48 && c <= 57) || c === 73) return num();
      fail("expecting value");
    }
    var result = value();
    ws();
    if (i !== n) fail("extra data");
    return result;
  }

  function parseStrict(bytes) {
    var text;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      throw new DocumentError("json", "not UTF-8");
    }
    return parseText(text);
  }

  // ---- canonical JSON -----------------------------------------------------------------------

  var NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
  var SHORT = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };

  function quote(s) {
    if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
    return (
      '"' +
      s.replace(/["\\\u0000-\u001f]/g, function (ch) {
        return SHORT[ch] || "\\u00" + (ch.charCodeAt(0) < 16 ? "0" : "") + ch.charCodeAt(0).toString(16);
      }) +
      '"'
    );
  }

  // Unicode code point order of two strings, which is the order of their UTF-8 bytes (and
  // what Python's str comparison uses); JS's own < compares UTF-16 code units instead.
  function cmpStr(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && y >= 0xd800) {
          // Surrogates (astral code points) sort after U+E000..U+FFFF.
          x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function canonical(v) {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    var t = typeof v;
    if (t === "string") return quote(v);
    if (t === "number") {
      if (!Number.isInteger(v)) throw new Error("canonical JSON has no floats");
      return String(v);
    }
    if (t === "bigint") return v.toString();
    if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
    var keys = Object.keys(v).sort(cmpStr);
    var parts = [];
    for (var k = 0; k < keys.length; k++) parts.push(quote(keys[k]) + ":" + canonical(v[keys[k]]));
    return "{" + parts.join(",") + "}";
  }

  function Unencodable(message) {
    this.name = "UnicodeEncodeError";
    this.message = message;
  }

  var wellFormed =
    typeof String.prototype.isWellFormed === "function"
      ? function (s) {
          return s.isWellFormed();
        }
      : function (s) {
          return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);
        };

  var encoder = new TextEncoder();
  // UTF-8 bytes of s; a lone surrogate cannot be encoded (Python raises there too).
  function utf8(s) {
    if (!wellFormed(s)) throw new Unencodable("'utf-8' codec can't encode a lone surrogate");
    return encoder.encode(s);
  }

  S.DocumentError = DocumentError;
  S.parseStrict = parseStrict;
  S.parseText = parseText;
  S.canonical = canonical;
  S.quote = quote;
  S.cmpStr = cmpStr;
  S.isObject = isObject;
  S.utf8 = utf8;
  S.wellFormed = wellFormed;
  S.encoder = encoder;
});
