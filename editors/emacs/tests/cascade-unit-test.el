;;; cascade-unit-test.el --- Unit tests of cascade.el, without a server  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run:
;;   emacs --batch -Q -L editors/emacs -l editors/emacs/tests/cascade-unit-test.el \
;;         -f ert-run-tests-batch-and-exit
;;
;; Positions (UTF-16 columns on multibyte lines), what is left to show of
;; a suggestion as the user types (the plan), and how badges are drawn.

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'cascade)

(defconst cascade-unit--multibyte "aé😀b"
  "A line with a 2-byte character and one outside the BMP (2 UTF-16 units).")

(ert-deftest cascade-unit-utf16-positions ()
  "Columns in UTF-16 code units on a multibyte line, both ways."
  (should (= (cascade--utf16-length cascade-unit--multibyte) 5))
  (with-temp-buffer
    (insert "x = \"" cascade-unit--multibyte "\"\n    return x\n")
    ;; (UTF-16 column . characters from the start of the line)
    (dolist (pair '((0 . 0) (5 . 5) (6 . 6) (7 . 7) (9 . 8) (10 . 9) (11 . 10)))
      (should (equal (cascade--lsp-to-point (list :line 0 :character (car pair)))
                     (+ (point-min) (cdr pair))))
      (should (equal (cascade--lsp-position (+ (point-min) (cdr pair)))
                     (list :line 0 :character (car pair)))))
    ;; Inside the surrogate pair: a character boundary either side.
    (should (memq (- (cascade--lsp-to-point '(:line 0 :character 8)) (point-min)) '(7 8)))
    (should (equal (cascade--lsp-position (point-max)) '(:line 2 :character 0)))))

(ert-deftest cascade-unit-positions-clamped ()
  "A position past the end of its line or of the buffer is clamped."
  (with-temp-buffer
    (insert "def f():\n    return 1")
    (should (= (cascade--lsp-to-point '(:line 1 :character 40)) (point-max)))
    (should (= (cascade--lsp-to-point '(:line 0 :character 40))
               (save-excursion (goto-char (point-min)) (line-end-position))))
    (should (= (cascade--lsp-to-point '(:line 9 :character 0)) (point-max)))))

(ert-deftest cascade-unit-ghost-lines ()
  "Typing that matches keeps the rest as ghost text; a contradiction drops it."
  (let ((text "    return a + b\n"))
    (should (equal (cascade--ghost-lines text "    ret" nil "    ret") '("urn a + b")))
    (should (equal (cascade--ghost-lines text "" "" "") '("    return a + b")))
    (should (equal (cascade--ghost-lines text "    return a + b" nil "    return a + b") nil))
    (should (equal (cascade--ghost-lines text "    x" nil "    x") nil))
    (should (equal (cascade--ghost-lines text "    return a - " nil "    return a - ") nil))
    ;; A blank, auto-indented line (deeper than the suggestion's) is compared without it.
    (should (equal (cascade--ghost-lines text "        " "" "        ") '("return a + b"))))
  (let ((text "    x = 1\n    return x\n"))
    (should (equal (cascade--ghost-lines text "    x" nil "    x") '(" = 1" "    return x")))
    (should (equal (cascade--ghost-lines text "    x = 1\n      " "    x = 1\n" "      ")
                   '("return x")))
    (should (equal (cascade--ghost-lines text "    y = 1\n      " "    y = 1\n" "      ") nil))))

(ert-deftest cascade-unit-plan-in-buffer ()
  "The plan, against a buffer, from a UTF-16 range on a multibyte line."
  (with-temp-buffer
    (insert "def f():\n    s = \"é😀\"; ret\n")
    ;; From after `; ' (UTF-16 column 15: the emoji counts 2) to the end of line 1.
    (cascade--place
     (list (list :insertText "return s\n"
                 :range '(:start (:line 1 :character 15) :end (:line 1 :character 18)))))
    (goto-char (point-min))
    (forward-line 1)
    (end-of-line)
    (let ((plan (cascade--plan 0)))
      (should plan)
      (should (equal (plist-get plan :lines) '("urn s")))
      (should (equal (buffer-substring-no-properties (plist-get plan :start) (plist-get plan :end))
                     "ret")))
    (insert "x")
    (should-not (cascade--plan 0))
    (cascade-dismiss)))

(ert-deftest cascade-unit-badge-faces ()
  "The server's badge text is drawn as it is, in the face of its severity."
  (let* ((text "✓ 12/12 tests · small · $0.00003 · ~85% cheaper than the last tier alone")
         (badge (cascade-badge-string (list :text text :severity "ok")
                                      '(:status "passed" :totalCostUSD 0.00003
                                                :baselineCostUSD 0.0002))))
    (should (equal (substring-no-properties badge) text))
    (should (eq (get-text-property 0 'face badge) 'cascade-badge-face)))
  (pcase-dolist (`(,severity . ,face) '(("info" . cascade-badge-testing-face)
                                        ("warning" . cascade-badge-warning-face)
                                        ("error" . cascade-badge-error-face)
                                        ("other" . cascade-badge-face)))
    (should (eq (get-text-property 0 'face (cascade-badge-string (list :text "x" :severity severity)))
                face)))
  ;; A loss shows as a loss.
  (let* ((text "✓ 2/2 tests · medium · $0.0004 · 102% dearer than medium alone")
         (badge (cascade-badge-string (list :text text :severity "ok")
                                      '(:status "passed" :totalCostUSD 0.000404
                                                :baselineCostUSD 0.0002))))
    (should (equal (substring-no-properties badge) text))
    (should (eq (get-text-property 0 'face badge) 'cascade-badge-dearer-face))))

(ert-deftest cascade-unit-badge-fallback ()
  "A server that sends no badge gets a minimal one from the report."
  (let ((badge (cascade-badge-string nil '(:status "passed" :acceptedTier "small"
                                                   :totalCostUSD 0.0000305))))
    (should (equal (substring-no-properties badge) "✓ passed · small · $0.00003"))
    (should (eq (get-text-property 0 'face badge) 'cascade-badge-face)))
  (let ((badge (cascade-badge-string nil '(:status "unverified" :acceptedTier "medium"
                                                   :totalCostUSD 0.0004))))
    (should (equal (substring-no-properties badge) "? unverified · medium · $0.0004"))
    (should (eq (get-text-property 0 'face badge) 'cascade-badge-warning-face)))
  (let ((badge (cascade-badge-string nil nil)))
    (should (equal (substring-no-properties badge) "no report"))
    (should (eq (get-text-property 0 'face badge) 'cascade-badge-warning-face))))

(ert-deftest cascade-unit-badge-drawn ()
  "A suggestion is drawn with the badge from its `data.badge', after its first line."
  (with-temp-buffer
    (insert "def add(a, b):\n    ")
    (cascade--place
     (list (list :insertText "    return a + b\n"
                 :range '(:start (:line 1 :character 0) :end (:line 1 :character 4))
                 :data '(:cascade (:status "unverified")
                         :badge (:text "? unverified · 0/2 tests · small" :severity "warning")))))
    (cascade--render)
    (let ((shown (overlay-get cascade--overlay 'after-string)))
      (should (equal (substring-no-properties shown)
                     "return a + b   ? unverified · 0/2 tests · small"))
      (should (eq (get-text-property 0 'face shown) 'cascade-suggestion-face))
      (should (eq (get-text-property (string-match "?" shown) 'face shown)
                  'cascade-badge-warning-face)))
    (should (equal (plist-get (cascade-current-suggestion) :text) "    return a + b\n"))
    (cascade-dismiss)
    (should-not cascade--overlay)))

(ert-deftest cascade-unit-mode-line-session ()
  "The mode line shows the session's totals as the server sent them."
  (should (equal (cascade--describe-session '(:spentUSD 0.0041 :baselineUSD 0.0141 :savedUSD 0.01))
                 "$0.0041 · 71% cheaper"))
  (should (equal (cascade--describe-session '(:spentUSD 0.0056 :baselineUSD 0.005 :savedUSD -0.0006))
                 "$0.0056 · 12% dearer"))
  (should (equal (cascade--describe-session '(:spentUSD 0 :baselineUSD 0 :savedUSD 0)) "$0"))
  (with-temp-buffer
    (let ((cascade--progress nil) (cascade-last-error nil))
      (setq cascade--doc-connection nil)
      (should (equal (cascade-mode-line-string) " Cascade"))
      (setq cascade--doc-connection 'a-connection)
      (cl-letf (((symbol-function 'cascade-connection-session)
                 (lambda (_conn) '(:requests 2 :spentUSD 0.0041 :baselineUSD 0.0141 :savedUSD 0.01))))
        (should (equal (cascade-mode-line-string) " Cascade[$0.0041 · 71% cheaper]")))
      (setq cascade--doc-connection nil)))
  (should (string-match-p "lost +\\$0\\.0006 (12%)"
                          (cascade--ledger-text '(:requests 1 :spentUSD 0.0056 :baselineUSD 0.005
                                                            :savedUSD -0.0006)))))

(provide 'cascade-unit-test)
;;; cascade-unit-test.el ends here
