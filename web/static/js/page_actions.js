// Behaviour the templates declare with data attributes, so that pages carry no inline
// handlers (the Content-Security-Policy allows scripts from this site's files only):
//   data-confirm="question"  on a submit button: ask before submitting its form;
//   data-autosubmit          on a select: submit its form when the choice changes;
//   data-error-summary       on a refused form's box of errors (templates/_error_summary.html):
//                            the page opens scrolled to the first wrong field, and each link of
//                            the box (data-error-link) opens the field's tab and focuses it.
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

  // The element a link of the box points at: its id, else the field of that name (editor rows
  // whose cell has no id of its own), else nothing.
  function targetOf(link) {
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    var found = document.getElementById(id);
    if (found) { return found; }
    var name = id.replace(/^(input|field)-/, '');
    var named = document.getElementsByName(name);
    return named.length ? named[named.length - 1] : null;
  }

  // Show the tab pane holding `element` (Bootstrap tabs), so that it can be seen and focused.
  function revealTab(element) {
    var pane = element.closest('.tab-pane');
    if (!pane || pane.classList.contains('active') || !window.bootstrap) { return; }
    var button = document.querySelector('[data-bs-target="#' + pane.id + '"]');
    if (button) { window.bootstrap.Tab.getOrCreateInstance(button).show(); }
  }

  function control(element) {
    if (element.matches('input:not([type=hidden]), select, textarea, button')) { return element; }
    return element.querySelector('input:not([type=hidden]), select, textarea') ||
      element.closest('tr, .mb-3, [class*="col"]') || element;
  }

  function goTo(element) {
    revealTab(element);
    var field = control(element);
    field.scrollIntoView({block: 'center'});
    if (typeof field.focus === 'function') { field.focus({preventScroll: true}); }
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest('[data-error-link]');
    if (!link) { return; }
    var target = targetOf(link);
    if (target) {
      event.preventDefault();
      goTo(target);
    }
  });

  function visible(element) {
    return element.offsetParent !== null || element.getClientRects().length > 0;
  }

  // On a refused form: go to the first wrong field that can be seen (the server opens its tab),
  // else to the box itself.
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-error-summary]');
    if (!box || window.location.hash) { return; }
    var wrong = Array.prototype.filter.call(
      document.querySelectorAll('.is-invalid'), function (el) {
        return visible(el) && (box.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
    if (wrong.length) {
      goTo(wrong[0]);
    } else {
      box.scrollIntoView({block: 'start'});
      box.focus({preventScroll: true});
    }
  });
})();
