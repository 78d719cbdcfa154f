/* zip.js: a small ZIP writer for the submission bundle (BUNDLE.md).
 *
 * Hand-written rather than a library because the site may load nothing
 * from outside itself (it must work on an intranet and from file://) and
 * the bundle needs only the simplest ZIP: stored entries (the scans are
 * already compressed), CRC-32, UTF-8 names flagged with general-purpose
 * bit 11 so the batch does not take them for GBK, no ZIP64 (bundles are
 * capped at 64 MiB). Usable in the browser (window.CerthallZip) and from
 * node (module.exports) for tests. */
(function (root) {
  'use strict';

  var CRC_TABLE = (function () {
    var t = new Uint32Array(256), c, n, k;
    for (n = 0; n < 256; n++) {
      c = n;
      for (k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  function crc32(bytes) {
    var c = 0xFFFFFFFF, i;
    for (i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  // MS-DOS date and time of `date` as seen in Asia/Shanghai (UTC+8, no
  // daylight saving): DOS times are local and the applicants are there,
  // and a fixed zone keeps the bytes independent of the machine.
  function dosDateTime(date) {
    var d = new Date(date.getTime() + 8 * 3600 * 1000);
    var y = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
    return {
      time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
      date: ((y - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate()
    };
  }

  function utf8(s) {
    if (typeof TextEncoder !== 'undefined') return new TextEncoder().encode(s);
    return new Uint8Array(Buffer.from(s, 'utf8'));
  }

  // BUNDLE.md rejects these; refuse them here so the form cannot make a
  // bundle the batch would turn away.
  function checkName(name) {
    if (!name || name.length > 255 || /[\u0000-\u001f\u007f\\:]/.test(name) ||
        name[0] === '/' || name.split('/').indexOf('..') >= 0 || name.indexOf('/') >= 0)
      throw new Error('unsafe ZIP entry name: ' + name);
  }

  function ZipWriter(date) {
    this.date = dosDateTime(date || new Date());
    this.parts = [];
    this.central = [];
    this.offset = 0;
    this.names = {};
  }

  function header(size) {
    var b = new Uint8Array(size);
    return { bytes: b, view: new DataView(b.buffer) };
  }

  // Adds one stored entry; data is a Uint8Array.
  ZipWriter.prototype.add = function (name, data) {
    var nameBytes = utf8(name), crc = crc32(data), h, c;
    checkName(name);
    if (Object.prototype.hasOwnProperty.call(this.names, name))
      throw new Error('duplicate ZIP entry name: ' + name);
    this.names[name] = true;
    if (this.offset + 30 + nameBytes.length + data.length > 0xFFFFFFFF)
      throw new Error('bundle too large');

    h = header(30);
    h.view.setUint32(0, 0x04034b50, true);
    h.view.setUint16(4, 20, true);         // version needed: 2.0
    h.view.setUint16(6, 0x0800, true);     // bit 11: UTF-8 name
    h.view.setUint16(8, 0, true);          // stored
    h.view.setUint16(10, this.date.time, true);
    h.view.setUint16(12, this.date.date, true);
    h.view.setUint32(14, crc, true);
    h.view.setUint32(18, data.length, true);
    h.view.setUint32(22, data.length, true);
    h.view.setUint16(26, nameBytes.length, true);
    h.view.setUint16(28, 0, true);

    c = header(46);
    c.view.setUint32(0, 0x02014b50, true);
    c.view.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0
    c.view.setUint16(6, 20, true);
    c.view.setUint16(8, 0x0800, true);
    c.view.setUint16(10, 0, true);
    c.view.setUint16(12, this.date.time, true);
    c.view.setUint16(14, this.date.date, true);
    c.view.setUint32(16, crc, true);
    c.view.setUint32(20, data.length, true);
    c.view.setUint32(24, data.length, true);
    c.view.setUint16(28, nameBytes.length, true);
    // extra, comment, disk start, internal attributes: 0
    c.view.setUint32(38, (0x81A4 << 16) >>> 0, true); // regular file, rw-r--r--
    c.view.setUint32(42, this.offset, true);

    this.parts.push(h.bytes, nameBytes, data);
    this.central.push(c.bytes, nameBytes);
    this.offset += 30 + nameBytes.length + data.length;
  };

  // The parts of the whole archive, central directory and end record
  // included, in order.
  ZipWriter.prototype.finish = function () {
    var size = 0, i, e, n = this.central.length / 2;
    for (i = 0; i < this.central.length; i++) size += this.central[i].length;
    e = header(22);
    e.view.setUint32(0, 0x06054b50, true);
    e.view.setUint16(8, n, true);
    e.view.setUint16(10, n, true);
    e.view.setUint32(12, size, true);
    e.view.setUint32(16, this.offset, true);
    return this.parts.concat(this.central, [e.bytes]);
  };

  ZipWriter.prototype.blob = function () {
    return new Blob(this.finish(), { type: 'application/zip' });
  };

  ZipWriter.prototype.bytes = function () {
    var parts = this.finish(), n = 0, i, out, at = 0;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    out = new Uint8Array(n);
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  };

  var api = { ZipWriter: ZipWriter, crc32: crc32, dosDateTime: dosDateTime };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (root) root.CerthallZip = api;
})(typeof window !== 'undefined' ? window : (typeof globalThis !== 'undefined' ? globalThis : null));
