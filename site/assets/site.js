/* site.js: on narrow screens, folds the navigation behind the 目录
 * button. Without this script the navigation simply stays open. */
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
    set(button.getAttribute('aria-expanded') !== 'true');
  });
  if (narrow.addEventListener) narrow.addEventListener('change', apply);
  else if (narrow.addListener) narrow.addListener(apply);
  apply();
})();
