;;; cascade-test.el --- End-to-end tests of cascade.el against `cascade lsp'  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run:
;;   CASCADE_TEST_CMD='/path/to/cascade lsp' \
;;   CASCADE_TEST_CONFIG=passing.json CASCADE_TEST_CONFIG_UNVERIFIED=unverified.json \
;;   emacs --batch -Q -L editors/emacs -l editors/emacs/tests/cascade-test.el \
;;         -f ert-run-tests-batch-and-exit
;;
;; CASCADE_TEST_CONFIG_HANG names a config whose model never answers;
;; CASCADE_TEST_CONFIG_SLOW_TESTS one whose model writes code at once but
;; never its tests.
;; Optional: CASCADE_TEST_EXPECT (text the suggestion must contain,
;; default "return"), CASCADE_TEST_TIMEOUT_MS (bounded wait per step).

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'cascade)

(defvar cascade-test--timeout
  (/ (string-to-number (or (getenv "CASCADE_TEST_TIMEOUT_MS") "60000")) 1000.0)
  "Seconds to wait for each step.")

(defvar cascade-test--expect (or (getenv "CASCADE_TEST_EXPECT") "return")
  "Text every suggestion must contain.")

(defvar cascade-test--work (make-temp-file "cascade-el-test" t)
  "Directory of the test projects.")

(defconst cascade-test--source
  (concat "def add(a, b):\n"
          "    \"\"\"Return the sum of a and b.\"\"\"\n"
          "    \n"
          "\n"
          "\n"
          "def scale(values, factor):\n"
          "    \"\"\"Return each value multiplied by factor.\"\"\"\n"
          "    \n")
  "The Python file most tests open.")

(defconst cascade-test--javascript
  (concat "/**\n"
          " * Return the sum of a and b.\n"
          " * @param {number} a\n"
          " * @param {number} b\n"
          " * @returns {number}\n"
          " */\n"
          "function add(a, b) {\n"
          "  \n"
          "}\n")
  "The JavaScript file the JavaScript tests open.")

(defun cascade-test--wait-for (what predicate)
  "Process events until PREDICATE holds; fail naming WHAT after the timeout."
  (let ((deadline (+ (float-time) cascade-test--timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (unless (funcall predicate)
      (ert-fail (format "timed out after %.0f s waiting for %s"
                        cascade-test--timeout what)))))

(defmacro cascade-test--in-file (name config file source mode &rest body)
  "Run BODY in a fresh FILE holding SOURCE in project NAME, using CONFIG.
The file must open in MODE."
  (declare (indent 5))
  `(let* ((dir (file-name-as-directory (expand-file-name ,name cascade-test--work)))
          (file (expand-file-name ,file dir))
          (cascade-command (split-string (getenv "CASCADE_TEST_CMD")))
          (cascade-config-file ,config))
     (make-directory dir t)
     (with-temp-file (expand-file-name "pyproject.toml" dir))
     (with-temp-file file (insert ,source))
     (let ((buffer (find-file-noselect file)))
       (unwind-protect
           (with-current-buffer buffer
             (should (derived-mode-p ,mode))
             (cascade-mode 1)
             ,@body)
         (with-current-buffer buffer (set-buffer-modified-p nil))
         (kill-buffer buffer)))))

(defmacro cascade-test--in-project (name config &rest body)
  "Run BODY in a fresh copy of the Python test file in project NAME using CONFIG."
  (declare (indent 2))
  `(cascade-test--in-file ,name ,config "calc.py" cascade-test--source 'python-mode
     ,@body))

(defun cascade-test--goto-line-end (line)
  "Move to the end of LINE (1-based)."
  (goto-char (point-min))
  (forward-line (1- line))
  (end-of-line))

(defun cascade-test--wait-suggestion ()
  "Wait for the answer (or an error); return the suggestion, verdict and all."
  (cascade-test--wait-for "a suggestion"
                          (lambda () (or cascade-last-error
                                         (and (plist-get (cascade-current-suggestion) :report)
                                              (null cascade--pending)))))
  (should-not cascade-last-error)
  (cascade-current-suggestion))

(defun cascade-test--wait-candidate ()
  "Wait for the first candidate of a cascade whose tests never come; return it."
  (cascade-test--wait-for "a candidate"
                          (lambda () (or (cascade-current-suggestion)
                                         cascade-last-error)))
  (should-not cascade-last-error)
  (cascade-current-suggestion))

(defun cascade-test--ghost ()
  "The text of the suggestion overlays in the buffer."
  (mapconcat (lambda (ov) (or (overlay-get ov 'after-string) ""))
             (cl-remove-if-not (lambda (ov) (overlay-get ov 'cascade))
                               (overlays-in (point-min) (point-max)))
             "\n"))

(defvar cascade-test--draws nil
  "Every suggestion drawn, newest first: the overlay text right after drawing.")

(defun cascade-test--record-draw (&rest _)
  "Record the suggestion `cascade--show' has just drawn."
  (push (cascade-test--ghost) cascade-test--draws))

(advice-add 'cascade--show :after #'cascade-test--record-draw)

(defun cascade-test--face-after (regexp string)
  "The face of STRING just after the first match of REGEXP, or `no-match'."
  (let ((at (string-match regexp string)))
    (if at (get-text-property (match-end 0) 'face string) 'no-match)))

(defun cascade-test--fake-verdict (id uri line)
  "A `cascade/suggestion' verdict for request ID on URI offering \"return 42\".
LINE is the 0-based line it replaces."
  (list :id id :uri uri :position (list :line line :character 4)
        :state "passed" :tier "small"
        :item (list :insertText "    return 42\n"
                    :range (list :start (list :line line :character 0)
                                 :end (list :line (1+ line) :character 0)))
        :badge (list :text "✓ 9/9 tests · small · $0" :severity "ok")
        :report (list :id (format "fake-%s" id) :status "passed" :tiers [])))

(defun cascade-test--config (name)
  "The config file in environment variable NAME, or skip the test."
  (or (getenv name)
      (ert-fail (format "%s is not set" name))))

(ert-deftest cascade-test-suggest-and-accept ()
  "A suggestion appears with text and badge, and accepting inserts it."
  (cascade-test--in-project "main" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 3)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-suggestion))
           (text (plist-get suggestion :text))
           (report (plist-get suggestion :report))
           (ghost (cascade-test--ghost)))
      (should (string-match-p (regexp-quote cascade-test--expect) text))
      (should (plist-get report :id))
      (should (equal (plist-get suggestion :state) (plist-get report :status)))
      (should (string-match-p (regexp-quote cascade-test--expect) ghost))
      ;; The badge is the server's text, drawn as it is.
      (let ((badge (plist-get (cascade--item-server-badge
                               (plist-get cascade--shown :item))
                              :text)))
        (should (stringp badge))
        (should (string-match-p (concat "   " (regexp-quote badge)) ghost)))
      (when (equal (plist-get report :status) "passed")
        (should (string-match-p "   ✓ [0-9]+/[0-9]+ tests · small · \\$" ghost))
        (should (string-match-p "% cheaper than .+ alone" ghost))
        (should-not (string-match-p "saved" ghost))
        (should (eq (cascade-test--face-after "   " ghost) 'cascade-badge-face)))
      ;; The session's totals come from `cascade/report'.
      (should (string-match-p "\\` Cascade\\[\\$[0-9.]+ · [0-9]+% cheaper\\]\\'"
                              (cascade-mode-line-string)))
      (cascade-next)
      (should (cascade-current-suggestion))
      (let ((accepted (plist-get (cascade-current-suggestion) :text)))
        (should (cascade-accept))
        (should-not (cascade-current-suggestion))
        (should (equal (cascade-test--ghost) ""))
        (should (string-match-p
                 (regexp-quote (concat "    \"\"\"Return the sum of a and b.\"\"\"\n"
                                       accepted))
                 (buffer-string)))
        (should (string-match-p "def scale(values, factor):" (buffer-string)))))))

(ert-deftest cascade-test-testing-then-verdict ()
  "The candidate shows marked as being tested, then the verdict replaces the mark."
  (cascade-test--in-project "progressive" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 3)
    (setq cascade-test--draws nil)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-suggestion))
           (draws (reverse cascade-test--draws))
           (first (car draws))
           (verdict (car (last draws))))
      (should (>= (length draws) 2))
      (should (string-match-p (regexp-quote cascade-test--expect) first))
      (should (string-match-p "   testing… · small" first))
      (should (eq (cascade-test--face-after "   " first) 'cascade-badge-testing-face))
      (dolist (draw (butlast draws))
        (should (string-match-p "testing… · small" draw)))
      ;; The verdict is drawn once: from cascade/suggestion; the answer
      ;; repeating it draws nothing.
      (should (string-match-p "   ✓ " verdict))
      (should-not (string-match-p "testing…" verdict))
      (should (eq (cascade-test--face-after "   " verdict) 'cascade-badge-face))
      (should (string-match-p (regexp-quote (string-trim (car (split-string (plist-get suggestion :text) "\n"))))
                              verdict))
      (should (equal (plist-get suggestion :state) "passed"))
      (should (equal (plist-get (plist-get suggestion :report) :status) "passed")))))

(ert-deftest cascade-test-while-testing ()
  "While its tests run the suggestion has no report, news of other requests
changes nothing, and it can be accepted."
  (cascade-test--in-project "testing" (cascade-test--config "CASCADE_TEST_CONFIG_SLOW_TESTS")
    (cascade-test--goto-line-end 3)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-candidate))
           (text (plist-get suggestion :text))
           (ghost (cascade-test--ghost))
           (conn (car cascade--pending))
           (id (cdr cascade--pending))
           (drawn (length cascade-test--draws)))
      (should (equal (plist-get suggestion :state) "testing"))
      (should-not (plist-get suggestion :report))
      (should (string-match-p (regexp-quote cascade-test--expect) text))
      (should (string-match-p "   testing… · small" ghost))
      (should (eq (cascade-test--face-after "   " ghost) 'cascade-badge-testing-face))
      (should (string-prefix-p " Cascade" (cascade-mode-line-string)))
      (should (numberp id))
      (cascade--handle-notification
       conn 'cascade/suggestion (cascade-test--fake-verdict (+ id 1000) (cascade--uri) 2))
      (cascade--handle-notification
       conn 'cascade/suggestion (cascade-test--fake-verdict id "file:///elsewhere/calc.py" 2))
      (should (= drawn (length cascade-test--draws)))
      (should (equal (plist-get (cascade-current-suggestion) :state) "testing"))
      (should (equal (plist-get (cascade-current-suggestion) :text) text))
      (should-not (string-match-p "42" (cascade-test--ghost)))
      (should (cascade-accept))
      (should-not (cascade-current-suggestion))
      (should-not cascade--pending)
      (should (string-match-p (regexp-quote (concat "a and b.\"\"\"\n" text))
                              (buffer-string))))))

(ert-deftest cascade-test-moved-point ()
  "News of the request in flight is ignored once point has moved."
  (cascade-test--in-project "moved" (cascade-test--config "CASCADE_TEST_CONFIG_SLOW_TESTS")
    (cascade-test--goto-line-end 3)
    (cascade-trigger)
    (cascade-test--wait-candidate)
    (let ((conn (car cascade--pending))
          (id (cdr cascade--pending)))
      (cascade-test--goto-line-end 8)
      (setq cascade-test--draws nil)
      (cascade--handle-notification
       conn 'cascade/suggestion (cascade-test--fake-verdict id (cascade--uri) 7))
      (should-not cascade-test--draws)
      (should-not (string-match-p "42" (or (plist-get (cascade-current-suggestion) :text) "")))
      (cascade-dismiss))))

(ert-deftest cascade-test-typing ()
  "Typing that matches keeps the suggestion; typing that contradicts drops it."
  (cascade-test--in-project "main" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 8)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-suggestion))
           (column (current-column))
           (typed (substring (plist-get suggestion :text) column (+ column 2))))
      (insert typed)
      ;; The ghost text now starts after the typed characters.
      (let ((rest (substring (car (split-string (plist-get suggestion :text) "\n"))
                             (+ column 2))))
        (cascade-test--wait-for (format "the ghost text to start at %S" rest)
                                (lambda () (string-prefix-p (concat rest "   ")
                                                            (cascade-test--ghost)))))
      (should (cascade-current-suggestion))
      (insert "#Z")
      (cascade-test--wait-for "the contradicted suggestion to go"
                              (lambda () (null (cascade-current-suggestion))))
      (should (equal (cascade-test--ghost) "")))))

(ert-deftest cascade-test-dismiss ()
  "Dismissing removes the suggestion and leaves the buffer alone."
  (cascade-test--in-project "main" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 8)
    (let ((before (buffer-string)))
      (cascade-trigger)
      (cascade-test--wait-suggestion)
      (cascade-dismiss)
      (should-not (cascade-current-suggestion))
      (should (equal (cascade-test--ghost) ""))
      (should-not (cascade-accept))
      (should (equal before (buffer-string))))))

(ert-deftest cascade-test-ledger ()
  "The ledger shows the session's requests and spend."
  (cascade-test--in-project "main" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 8)
    (cascade-trigger)
    (cascade-test--wait-suggestion)
    (cascade-dismiss)
    (let ((text (cascade-ledger)))
      (should text)
      (should (string-match "requests +\\([0-9]+\\)" text))
      (should (>= (string-to-number (match-string 1 text)) 1))
      (should (string-match-p "spent +\\$" text))
      (should (get-buffer "*cascade ledger*")))))

(ert-deftest cascade-test-generate-and-tests ()
  "Generating writes the body; inserting tests adds the asserts."
  (cascade-test--in-project "generate" (cascade-test--config "CASCADE_TEST_CONFIG")
    (cascade-test--goto-line-end 3)
    (cascade-generate-from-docstring)
    (cascade-test--wait-for
     "the generated body"
     (lambda () (or cascade-last-error
                    (string-match-p (regexp-quote (concat "a and b.\"\"\"\n    "
                                                          cascade-test--expect))
                                    (buffer-string)))))
    (should-not cascade-last-error)
    (should (string-match-p "def scale(values, factor):" (buffer-string)))
    (goto-char (point-min))
    (cascade-insert-tests)
    (cascade-test--wait-for
     "the inserted tests"
     (lambda () (or cascade-last-error
                    (string-match-p "assert add(" (buffer-string)))))
    (should-not cascade-last-error)))

(ert-deftest cascade-test-server-dies ()
  "A server dying mid-request gives a clear message; editing goes on.
CASCADE_TEST_CONFIG_HANG points the tiers at a model that never
answers, so the request is certainly in flight when the server dies."
  (cascade-test--in-project "hang" (cascade-test--config "CASCADE_TEST_CONFIG_HANG")
    (cascade-test--goto-line-end 8)
    (cascade-trigger)
    (should cascade--pending)
    (let ((proc (jsonrpc--process (car cascade--pending))))
      (signal-process (process-id proc) 'SIGKILL))
    (cascade-test--wait-for "the error message" (lambda () cascade-last-error))
    (should (string-match-p "the server was killed" cascade-last-error))
    (should-not (cascade-current-suggestion))
    (should (equal (cascade-mode-line-string) " Cascade[✗]"))
    (insert "# still editable")
    (should (looking-back "# still editable" (line-beginning-position)))
    (delete-region (line-beginning-position) (line-end-position))
    (insert "    ")
    ;; The next request starts a new server (with a model that answers).
    (setq cascade-config-file (cascade-test--config "CASCADE_TEST_CONFIG"))
    (cascade-trigger)
    (let ((suggestion (cascade-test--wait-suggestion)))
      (should (string-match-p (regexp-quote cascade-test--expect)
                              (plist-get suggestion :text))))
    (cascade-dismiss)))

(ert-deftest cascade-test-unverified ()
  "A cascade that ends unverified says so in the badge."
  (cascade-test--in-project "unverified"
      (cascade-test--config "CASCADE_TEST_CONFIG_UNVERIFIED")
    (cascade-test--goto-line-end 3)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-suggestion))
           (ghost (cascade-test--ghost)))
      (should (equal (plist-get (plist-get suggestion :report) :status)
                     "unverified"))
      (should (string-match-p "unverified" ghost))
      ;; Both tiers ran: it cost more than the last tier alone, shown as a loss.
      (should (string-match-p "\\(% dearer\\|no cheaper\\) than medium alone" ghost))
      (should (eq (get-text-property (string-match "unverified" ghost) 'face ghost)
                  'cascade-badge-warning-face)))
    (cascade-dismiss)))

(defun cascade-test--node-runs (call)
  "Run the buffer's JavaScript and then CALL in node.
Return t when it exits 0, the output when it fails, and `no-node'
when node is not installed."
  (if (not (executable-find "node"))
      'no-node
    (let ((program (concat (buffer-string) "\n" call "\n")))
      (with-temp-buffer
        (if (eql 0 (call-process "node" nil t nil "-e" program))
            t
          (buffer-string))))))

(ert-deftest cascade-test-javascript-suggestion ()
  "A JavaScript suggestion shows with its badge and is accepted."
  (cascade-test--in-file "javascript-suggestion" (cascade-test--config "CASCADE_TEST_CONFIG")
      "calc.js" cascade-test--javascript 'js-mode
    (cascade-test--goto-line-end 8)
    (cascade-trigger)
    (let* ((suggestion (cascade-test--wait-suggestion))
           (ghost (cascade-test--ghost)))
      (should (equal (plist-get suggestion :text) "  return a + b;\n"))
      (should (equal (plist-get (plist-get suggestion :report) :language) "javascript"))
      (should (string-match-p "return a \\+ b;   ✓ " ghost))
      (should (eq (cascade-test--face-after "   " ghost) 'cascade-badge-face))
      (should (cascade-accept))
      (should (string-match-p (regexp-quote "function add(a, b) {\n  return a + b;\n}")
                              (buffer-string))))))

(ert-deftest cascade-test-javascript-generate-and-tests ()
  "In a JavaScript file the server finds the function from point's line.
Generating writes the body, inserting tests adds a JavaScript test
function, and node runs it against the body."
  (cascade-test--in-file "javascript" (cascade-test--config "CASCADE_TEST_CONFIG")
      "calc.js" cascade-test--javascript 'js-mode
    (cascade-test--goto-line-end 2)     ; in the doc comment
    (cascade-generate-from-docstring)
    (cascade-test--wait-for
     "the generated body"
     (lambda () (or cascade-last-error
                    (string-match-p (regexp-quote "function add(a, b) {\n  return a + b;\n}")
                                    (buffer-string)))))
    (should-not cascade-last-error)
    (cascade-test--goto-line-end 7)
    (cascade-insert-tests)
    (cascade-test--wait-for
     "the inserted tests"
     (lambda () (or cascade-last-error
                    (string-match-p (regexp-quote "assert.strictEqual(add(1, 2), 3);")
                                    (buffer-string)))))
    (should-not cascade-last-error)
    (should (string-match-p
             (regexp-quote (concat "}\n\nfunction test_add() {\n"
                                   "  const assert = require('node:assert');\n"
                                   "  assert.strictEqual(add(1, 2), 3);"))
             (buffer-string)))
    (let ((ran (cascade-test--node-runs "test_add();")))
      (if (eq ran 'no-node)
          (message "node is not installed: the generated tests were not run")
        (should (eq ran t))))))

(add-hook 'kill-emacs-hook #'cascade-shutdown-all)

(provide 'cascade-test)
;;; cascade-test.el ends here
