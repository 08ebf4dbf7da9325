// Behaviour the templates declare with data attributes, so that pages carry no inline
// handlers (the Content-Security-Policy allows scripts from this site's files only):
//   data-confirm="question"  on a submit button: ask before submitting its form;
//   data-autosubmit          on a select: submit its form when the choice changes.
(function () {
  'use strict';

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-confirm]');
    if (button && !window.confirm(button.getAttribute('data-confirm'))) {
      event.preventDefault();
    }
  });

  document.addEventListener('change', function (event) {
    var field = event.target.closest('[data-autosubmit]');
    if (field && field.form) {
      field.form.submit();
    }
  });
})();
