/* site.js: on narrow screens, folds the navigation behind the 目录
 * button. Without this script the navigation simply stays open.
 *
 * The navigation follows the page in the document (its heading must not
 * come before the page's <h1>) but is shown above it on narrow screens,
 * so opening it with the button moves the keyboard focus into it: the
 * next Tab reaches its first link, not the page. */
(function () {
  'use strict';
  var nav = document.getElementById('site-nav');
  var button = document.querySelector('.nav-toggle');
  if (!nav || !button || !window.matchMedia) return;
  var narrow = window.matchMedia('(max-width: 48rem)');

  function set(open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('folded', !open);
  }
  function apply() {
    button.hidden = !narrow.matches;
    set(!narrow.matches);
  }
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') !== 'true';
    set(open);
    if (open) {
      nav.tabIndex = -1;
      nav.focus();
    }
  });
  if (narrow.addEventListener) narrow.addEventListener('change', apply);
  else if (narrow.addListener) narrow.addListener(apply);
  apply();
})();
