// The site's CloudFront Function (cloudfront-js-2.0), on the default behaviour only, at both
// viewer events. peluit/edge/site_function.py is its Python twin (`peluit serve` runs that);
// tests/unit/test_edge_function.py runs this file under node over the same cases.
//
// Written in ES 5.1 (var, no template literals, no dollar-brace anywhere): the template inserts
// it with !Sub, which puts the SitePages parameter (the built site's pages) in PAGES below.
//
// viewer-request: a directory URL gets its index.html; a URL without extension whose directory
// is a page is redirected to it (relative links keep working); a page-like URL (ending in '/',
// without extension, or in .html) that is no page of the site is answered with the language's
// 404 page. Everything else (assets) goes to the bucket as asked.
// viewer-response: the 404 page is answered with status 404 (CloudFront runs viewer-response
// functions only for origin answers below 400, so this sees the 404 page's 200).

var PAGES = '|' + '@SITE_PAGES@' + '|';

function isPage(uri) {
  return PAGES.indexOf('|' + uri + '|') !== -1;
}

function notFoundPage(uri) {
  var second = uri.indexOf('/', 1);
  if (second > 1) {
    var own = uri.substring(0, second) + '/404.html';
    if (isPage(own)) {
      return own;
    }
  }
  return '/404.html';
}

// {uri: where the request goes} or {redirect: the Location of a 301}
function route(uri) {
  if (uri.indexOf('/log/') === 0) {
    return { uri: uri }; // the release log's files (checkpoint, tiles) have no extension
  }
  var slash = uri.lastIndexOf('/');
  var last = uri.substring(slash + 1);
  if (last === '') {
    return isPage(uri) ? { uri: uri + 'index.html' } : { uri: notFoundPage(uri) };
  }
  if (last.indexOf('.') === -1) {
    return isPage(uri + '/') ? { redirect: uri + '/' } : { uri: notFoundPage(uri) };
  }
  if (last.length > 5 && last.substring(last.length - 5) === '.html') {
    if (isPage(uri) || (last === 'index.html' && isPage(uri.substring(0, slash + 1)))) {
      return { uri: uri };
    }
    return { uri: notFoundPage(uri) };
  }
  return { uri: uri };
}

// The status the viewer gets for an origin answer `status` to `uri` (as asked, or as routed).
function status(uri, given) {
  if (given !== 200) {
    return given;
  }
  if (uri === notFoundPage(uri) || route(uri).uri === notFoundPage(uri)) {
    return 404;
  }
  return given;
}

function handler(event) {
  var request = event.request;
  if (event.context.eventType === 'viewer-response') {
    var response = event.response;
    var code = status(request.uri, response.statusCode);
    if (code !== response.statusCode) {
      response.statusCode = code;
      response.statusDescription = 'Not Found';
    }
    return response;
  }
  var routed = route(request.uri);
  if (routed.redirect !== undefined) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: routed.redirect } }
    };
  }
  request.uri = routed.uri;
  return request;
}
