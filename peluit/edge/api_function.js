// The API's CloudFront Function (cloudfront-js-2.0), on the /api/* behaviour at viewer-request.
// peluit/edge/api_function.py is its Python twin (`peluit serve` runs that);
// tests/functional/test_edge_function_node.py runs this file under node over the same cases.
//
// It checks the proof of work of a public POST (peluit/core/pow.py; docs/adr/0025-*.md) before
// the request reaches API Gateway, so a flood without valid work is refused here, for free to the
// API's throttle and functions. The stamp `?pow=<bucket>-<16 hex>-<64 hex>` carries the body's
// SHA-256, which this function cannot read: it checks the work against that digest, and the API
// checks the digest against the body. Every POST under /api/ pays, except the reviewer API
// (/api/v1/review/, signed instead). Other methods pass. A refusal is the API's own answer:
// 400, a stable code, Indonesian and English, and the terms (`pow`) for a browser to redo.
//
// Written in ES 5.1 with `require('crypto')` only (no dollar-brace anywhere): the template
// inserts it with !Sub, which puts the PowBits parameter in BITS below.

var crypto = require('crypto');

var BITS = parseInt('@POW_BITS@', 10);
var LABEL = 'peluit-pow/1';
var BUCKET_SECONDS = 600;
var STAMP = /^([0-9]{1,12})-([0-9a-f]{16})-([0-9a-f]{64})$/;
var PROBLEMS = {
  pow_required: [
    'Permintaan ini harus disertai bukti kerja dari peramban. Muat ulang halaman, coba lagi.',
    'This request must carry a proof of work from the browser. Reload the page and try again.',
    'this request needs a proof of work'
  ],
  pow_invalid: [
    'Bukti kerja dari peramban tidak sah untuk permintaan ini. Muat ulang halaman, coba lagi.',
    'The browser\'s proof of work is not valid for this request. Reload the page and try again.',
    'the proof of work does not match this request or is too easy'
  ],
  pow_expired: [
    'Bukti kerja sudah kedaluwarsa, atau jam perangkat Anda tidak tepat. Coba lagi.',
    'The proof of work has expired, or your device\'s clock is wrong. Try again.',
    'the proof of work was made for another time window'
  ]
};

function paid(method, uri) {
  return method === 'POST' && uri.indexOf('/api/') === 0 && uri.indexOf('/api/v1/review/') !== 0;
}

function leadingZeroBits(hex) {
  var bits = 0;
  for (var i = 0; i < hex.length; i++) {
    var nibble = parseInt(hex.charAt(i), 16);
    if (nibble !== 0) {
      return bits + (nibble >= 8 ? 0 : nibble >= 4 ? 1 : nibble >= 2 ? 2 : 3);
    }
    bits += 4;
  }
  return bits;
}

// The refusal code for `value` (the `pow` query value, or null) on `method uri` at `seconds`
// (unix time), or null if the request may go on.
function check(method, uri, value, seconds) {
  if (!paid(method, uri)) {
    return null;
  }
  if (value === null || value === '') {
    return 'pow_required';
  }
  var match = STAMP.exec(value);
  if (match === null) {
    return 'pow_invalid';
  }
  var now = Math.floor(seconds / BUCKET_SECONDS);
  var bucket = parseInt(match[1], 10);
  if (bucket !== now && bucket !== now - 1) {
    return 'pow_expired';
  }
  var text = LABEL + '\n' + method + ' ' + uri + '\n' + match[3] + '\n' + match[1];
  var challenge = crypto.createHash('sha256').update(text).digest('hex');
  var work = crypto.createHash('sha256').update(challenge + match[2], 'hex').digest('hex');
  return leadingZeroBits(work) >= BITS ? null : 'pow_invalid';
}

function refusal(code, seconds) {
  var problem = PROBLEMS[code];
  var error = {
    code: code,
    message: { id: problem[0], en: problem[1] },
    detail: problem[2],
    pow: { bits: BITS, bucket: Math.floor(seconds / BUCKET_SECONDS) }
  };
  return {
    statusCode: 400,
    statusDescription: 'Bad Request',
    headers: {
      'content-type': { value: 'application/json; charset=utf-8' },
      'cache-control': { value: 'no-store' }
    },
    body: { encoding: 'text', data: JSON.stringify({ error: error }) }
  };
}

// The `pow` value of a request: null if absent; '' (refused as malformed) if given twice.
function stampOf(querystring) {
  var entry = querystring.pow;
  if (entry === undefined) {
    return null;
  }
  if (entry.multiValue !== undefined && entry.multiValue.length > 1) {
    return '!';
  }
  return entry.value;
}

function handler(event) {
  var request = event.request;
  var seconds = Date.now() / 1000;
  var code = check(request.method, request.uri, stampOf(request.querystring), seconds);
  return code === null ? request : refusal(code, seconds);
}
