(function () {
  'use strict';
  // Anything that goes wrong on the page is shown at its top (and read from the DOM by the tests).
  var box = document.getElementById('errors');
  function note(text) {
    box.hidden = false;
    box.textContent += text + '\n';
  }
  window.addEventListener('error', function (e) { note('Error: ' + (e.message || e.type)); });
  window.addEventListener('unhandledrejection', function (e) { note('Error: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) { note('Blocked by the page\'s policy: ' + e.violatedDirective + ' ' + e.blockedURI); });
  var consoleError = console.error;
  console.error = function () {
    note('Console: ' + Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
})();
