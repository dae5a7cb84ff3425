;;; cascade.el --- Verified, priced code suggestions from a model cascade  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 The Cascade authors

;; Author: The Cascade authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (jsonrpc "1.0"))
;; Keywords: convenience, languages, tools
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; A client for `cascade lsp', a language server that answers inline
;; completion requests by running a model cascade: the cheapest model
;; writes candidate code and its own unit tests, the tests run in a
;; sandbox, and only failing candidates make the request escalate to a
;; larger model.  Each suggestion arrives with what it cost and how many
;; tests it passed.
;;
;; This package shows the suggestion as ghost text with the server's
;; badge, such as "✓ 12/12 tests · small · $0.00003 · ~85% cheaper than
;; the last tier alone" (or "? unverified · 3/12 tests · …" in the
;; warning face, and a loss as "… 102% dearer than medium alone").
;; The first candidate shows as soon as it is written, marked
;; "testing… · small" until the verdict replaces the mark.  It lets you
;; accept, cycle or dismiss the suggestion with a transient keymap,
;; shows the cascade's progress and the session's totals in the mode
;; line, and, in Python and JavaScript, can write a function body from
;; its docstring, insert the validating tests, and show the session's
;; spending.
;;
;; It talks to the server with the built-in `jsonrpc' library, the way
;; eglot does; neither eglot nor lsp-mode is needed.
;;
;; Usage:
;;
;;   (require 'cascade)
;;   (add-hook 'python-mode-hook #'cascade-mode)
;;   (add-hook 'js-mode-hook #'cascade-mode)       ; JavaScript too
;;
;; then `C-c , t' (`cascade-trigger') in a function with a docstring.
;; While a suggestion is shown: TAB accepts, M-n shows the next one,
;; C-g dismisses it.

;;; Code:

(require 'cl-lib)
(require 'jsonrpc)
(require 'subr-x)
(require 'url-util)

;;;; Options

(defgroup cascade nil
  "Verified, priced code suggestions from a model cascade."
  :group 'tools
  :prefix "cascade-")

(defcustom cascade-command '("cascade" "lsp")
  "The server command and its arguments.
`--config FILE' is appended when `cascade-config-file' is set."
  :type '(repeat string))

(defcustom cascade-config-file nil
  "A Cascade configuration file passed to the server as `--config'.
When nil the server looks for `.cascade.json' in the project,
then `~/.config/cascade/config.json', then uses its local default."
  :type '(choice (const :tag "Server default" nil) file))

(defcustom cascade-initialization-options nil
  "A configuration object sent as the LSP `initializationOptions'.
A plist in the shape of the JSON configuration file, for example
\\='(:tiers [(:name \"small\" :endpoint \"local\" :model \"...\")])."
  :type '(choice (const :tag "None" nil) plist))

(defcustom cascade-idle-delay nil
  "Seconds of idleness after typing before an automatic request.
nil means suggestions come only when asked for with `cascade-trigger'."
  :type '(choice (const :tag "Only on demand" nil) number))

(defcustom cascade-request-timeout 300
  "Seconds to wait for a cascade before giving up on it."
  :type 'number)

(defcustom cascade-root-markers
  '(".cascade.json" ".git" "pyproject.toml" "setup.py" "package.json")
  "Files whose presence marks a project root; one server runs per root."
  :type '(repeat string))

(defcustom cascade-language-ids
  '((python-mode . "python") (python-ts-mode . "python")
    (js-mode . "javascript") (js-ts-mode . "javascript")
    (javascript-mode . "javascript"))
  "Language identifiers sent to the server, by major mode."
  :type '(alist :key-type symbol :value-type string))

(defface cascade-suggestion-face '((t :inherit shadow))
  "Face of the suggested code.")

(defface cascade-badge-face '((t :inherit success))
  "Face of the badge of a suggestion that passed its tests.")

(defface cascade-badge-testing-face '((t :inherit (italic shadow)))
  "Face of the mark of a candidate whose tests are still running.")

(defface cascade-badge-warning-face '((t :inherit warning))
  "Face of the badge of an unverified suggestion.")

(defface cascade-badge-dearer-face '((t :inherit warning))
  "Face of a passed badge that cost more than its last tier alone.")

(defface cascade-badge-error-face '((t :inherit error))
  "Face of the badge of a failed or cancelled cascade.")

;;;; State

(defclass cascade-connection (jsonrpc-process-connection)
  ((root :initarg :root :reader cascade-connection-root
         :documentation "The project root this server serves.")
   (capabilities :initform nil :accessor cascade-connection-capabilities
                 :documentation "The server's capabilities.")
   (session :initform nil :accessor cascade-connection-session
            :documentation "The session's totals, as the last `cascade/report' gave them."))
  :documentation "A connection to one `cascade lsp' process.")

(defvar cascade--connections (make-hash-table :test #'equal)
  "Project root -> live `cascade-connection'.")

(defvar cascade-last-error nil
  "The last error shown to the user, or nil.
Cleared when a new request starts.")

(defvar cascade--progress nil
  "The message of the cascade running now, or nil.")

(defvar cascade--token-counter 0
  "Counter for work done progress tokens.")

(defvar-local cascade--doc-connection nil
  "The connection this buffer is open in, if any.")
(defvar-local cascade--doc-version 0
  "The version of this buffer last sent to the server.")
(defvar-local cascade--doc-tick nil
  "`buffer-chars-modified-tick' when this buffer was last sent.")

(defvar-local cascade--items nil
  "The items of the last answer: a list of plists.")
(defvar-local cascade--markers nil
  "Per item, a cons of markers bounding the text it replaces.")
(defvar-local cascade--index 0
  "The index of the item shown.")
(defvar-local cascade--shown nil
  "The plan of the suggestion on screen, or nil.")
(defvar-local cascade--overlay nil
  "The overlay showing the suggestion.")
(defvar-local cascade--generation 0
  "Incremented by every request; older answers are ignored.")
(defvar-local cascade--pending nil
  "A cons (CONNECTION . ID) of the request in flight, or nil.")
(defvar-local cascade--asked nil
  "Where the request in flight was made: (:tick TICK :point POINT :uri URI).")
(defvar-local cascade--verdict-shown nil
  "Non-nil when the verdict shown came as a `cascade/suggestion'.
The answer that follows it is then taken without drawing again.")

(defvar-local cascade--idle-timer nil
  "The timer of an automatic request.")
(defvar-local cascade--exit-transient nil
  "The function that deactivates `cascade-active-map'.")

;;;; Keymaps

(defvar cascade-active-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "TAB") #'cascade-accept)
    (define-key map (kbd "<tab>") #'cascade-accept)
    (define-key map (kbd "M-n") #'cascade-next)
    (define-key map (kbd "C-g") #'cascade-dismiss)
    map)
  "Keys active while a suggestion is shown.")

(defvar cascade-command-map
  (let ((map (make-sparse-keymap)))
    (define-key map "t" #'cascade-trigger)
    (define-key map "a" #'cascade-accept)
    (define-key map "n" #'cascade-next)
    (define-key map "d" #'cascade-dismiss)
    (define-key map "g" #'cascade-generate-from-docstring)
    (define-key map "T" #'cascade-insert-tests)
    (define-key map "l" #'cascade-ledger)
    map)
  "Cascade commands, under \\`C-c ,' in `cascade-mode'.")

(defvar cascade-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c ,") cascade-command-map)
    map)
  "Keymap of `cascade-mode'.")

;;;; Formatting

(defun cascade--format-usd (value)
  "VALUE in dollars with two significant digits: 0.0000305 -> \"$0.00003\"."
  (let ((value (if (numberp value) (float value) 0.0)))
    (if (zerop value)
        "$0"
      (let* ((decimals (max 2 (- 1 (floor (log (abs value) 10)))))
             (text (format (format "%%.%df" decimals) value)))
        (when (string-match-p "\\." text)
          (setq text (replace-regexp-in-string "\\.?0+\\'" "" text)))
        (concat "$" text)))))

;; The badge's text is the server's (`data.badge' of an item, `badge' of a
;; `cascade/suggestion'); the client only picks its face.

(defun cascade--severity-face (severity)
  "The face of a badge of SEVERITY, as the server names it."
  (pcase severity
    ("info" 'cascade-badge-testing-face)
    ("warning" 'cascade-badge-warning-face)
    ("error" 'cascade-badge-error-face)
    (_ 'cascade-badge-face)))

(defun cascade--loss-p (report)
  "Non-nil when REPORT cost more than its last tier alone would have."
  (let ((spent (plist-get report :totalCostUSD))
        (baseline (plist-get report :baselineCostUSD)))
    (and (numberp spent) (numberp baseline) (> baseline 0) (> spent baseline))))

(defun cascade--fallback-badge (report)
  "A minimal badge (:text :severity) for REPORT, from a server that sends none.
Only what the report says outright: \"✓ passed · small · $0.00003\"."
  (if (null report)
      (list :text "no report" :severity "warning")
    (let* ((status (or (plist-get report :status) "unknown"))
           (tier (plist-get report :acceptedTier))
           (cost (plist-get report :totalCostUSD)))
      (list :text (string-join
                   (delq nil (list (pcase status
                                     ("passed" "✓ passed")
                                     ("cached" "✓ cached")
                                     ("unverified" "? unverified")
                                     (_ status))
                                   (and (stringp tier) tier)
                                   (and (numberp cost) (cascade--format-usd cost))))
                   " · ")
            :severity (pcase status
                        ((or "passed" "cached") "ok")
                        ("unverified" "warning")
                        (_ "error"))))))

(defun cascade-badge-string (badge &optional report)
  "BADGE (:text :severity), as the server sent it, as a propertized string.
Its face is its severity's; a passed badge whose REPORT cost more than
the last tier alone uses `cascade-badge-dearer-face'.  Without BADGE,
the minimal badge `cascade--fallback-badge' builds from REPORT."
  (let* ((badge (if (stringp (plist-get badge :text))
                    badge
                  (cascade--fallback-badge report)))
         (face (cascade--severity-face (plist-get badge :severity))))
    (when (and (eq face 'cascade-badge-face) (cascade--loss-p report))
      (setq face 'cascade-badge-dearer-face))
    (propertize (plist-get badge :text) 'face face)))

;;;; Positions

(defun cascade--uri (&optional buffer)
  "The file URI of BUFFER (default: the current buffer)."
  (let ((file (expand-file-name (or (buffer-file-name buffer)
                                    (buffer-name buffer)))))
    (concat "file://" (url-hexify-string file url-path-allowed-chars))))

(defun cascade--directory-uri (directory)
  "The file URI of DIRECTORY, without a trailing slash."
  (concat "file://" (url-hexify-string (directory-file-name directory)
                                       url-path-allowed-chars)))

(defun cascade--uri-to-file (uri)
  "The file name of URI."
  (url-unhex-string (string-remove-prefix "file://" uri)))

(defun cascade--utf16-length (string)
  "The length of STRING in UTF-16 code units."
  (cl-loop for char across string sum (if (> char #xFFFF) 2 1)))

(defun cascade--lsp-position (&optional pos)
  "POS (default: point) as an LSP position plist (UTF-16 columns)."
  (save-excursion
    (when pos (goto-char pos))
    (list :line (1- (line-number-at-pos nil t))
          :character (cascade--utf16-length
                      (buffer-substring-no-properties
                       (line-beginning-position) (point))))))

(defun cascade--lsp-to-point (position)
  "The buffer position of POSITION, an LSP position plist, clamped."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (if (> (forward-line (plist-get position :line)) 0)
          (point-max)
        (let ((units (or (plist-get position :character) 0)))
          (while (and (> units 0) (not (eolp)))
            (setq units (- units (if (> (char-after) #xFFFF) 2 1)))
            (forward-char 1))
          (point))))))

;;;; Connection

(defun cascade--root ()
  "The project root of the current buffer."
  (let ((dir (if buffer-file-name
                 (file-name-directory buffer-file-name)
               default-directory)))
    (expand-file-name
     (or (cl-some (lambda (marker) (locate-dominating-file dir marker))
                  cascade-root-markers)
         dir))))

(defconst cascade--repository
  (when load-file-name
    (file-name-directory
     (directory-file-name
      (file-name-directory (directory-file-name
                            (file-name-directory load-file-name))))))
  "The clone this file was loaded from (…/editors/emacs/cascade.el), or nil.")

(defun cascade--built-in-clone (program)
  "A `cascade' built in this package's own clone, when PROGRAM is not on PATH.
This lets the README's setup work without installing the binary."
  (when (and (equal program "cascade") cascade--repository
             (not (executable-find program)))
    (cl-loop for configuration in '("release" "debug")
             for candidate = (expand-file-name
                              (concat ".build/" configuration "/cascade")
                              cascade--repository)
             when (file-executable-p candidate) return candidate)))

(defun cascade--server-command ()
  "Return the command line to start the server with."
  (append (cons (or (cascade--built-in-clone (car cascade-command))
                    (car cascade-command))
                (cdr cascade-command))
          (when cascade-config-file
            (list "--config" (expand-file-name cascade-config-file)))))

(defun cascade--handle-notification (conn method params)
  "Handle METHOD, a notification from CONN's server, with PARAMS."
  (pcase method
    ('$/progress
     (let ((value (plist-get params :value)))
       (setq cascade--progress
             (unless (equal (plist-get value :kind) "end")
               (or (plist-get value :message) (plist-get value :title)
                   cascade--progress)))
       (force-mode-line-update t)))
    ('cascade/report
     (when-let ((session (plist-get params :session)))
       (setf (cascade-connection-session conn) session))
     (force-mode-line-update t))
    ('cascade/suggestion
     (cascade--on-suggestion conn params))
    ('window/showMessage
     (message "Cascade: %s" (plist-get params :message)))
    (_ nil)))

(defun cascade--handle-request (_conn method params)
  "Answer the server's request METHOD with PARAMS."
  (pcase method
    ('workspace/applyEdit
     (cascade--apply-workspace-edit (plist-get params :edit))
     (list :applied t))
    ('window/workDoneProgress/create nil)
    (_ (jsonrpc-error :code -32601
                      :message (format "cascade.el does not handle %s"
                                       method)))))

(defun cascade--on-shutdown (conn)
  "Forget CONN once its process has exited."
  (let ((root (cascade-connection-root conn)))
    (when (eq (gethash root cascade--connections) conn)
      (remhash root cascade--connections))))

(defun cascade--exit-description (conn)
  "How CONN's process ended, for a message."
  (let* ((proc (jsonrpc--process conn))
         (status (process-status proc))
         (code (process-exit-status proc)))
    (if (eq status 'signal)
        (format "was killed by signal %d" code)
      (format "exited with code %d" code))))

(defun cascade--start (root)
  "Start a server for ROOT and initialize it; return the connection."
  (let* ((command (cascade--server-command))
         (name (format "cascade %s" (abbreviate-file-name root))))
    (unless (or (executable-find (car command)) (file-executable-p (car command)))
      (user-error "Cascade: cannot run `%s': not on `exec-path'; install it or set `cascade-command'"
                  (car command)))
    (let* ((default-directory root)
           (process-environment (cons "NO_COLOR=1" process-environment))
           (conn
            (make-instance
             'cascade-connection
             :name name
             :root root
             :events-buffer-scrollback-size 200000
             :notification-dispatcher #'cascade--handle-notification
             :request-dispatcher #'cascade--handle-request
             :on-shutdown #'cascade--on-shutdown
             :process
             (lambda ()
               (make-process
                :name name
                :command command
                :connection-type 'pipe
                :coding 'utf-8-emacs-unix
                :noquery t
                :stderr (get-buffer-create (format "*%s stderr*" name))))))
           (result
            (cascade--initialize conn root)))
      (setf (cascade-connection-capabilities conn)
            (plist-get result :capabilities))
      (jsonrpc-notify conn :initialized (make-hash-table))
      (puthash root conn cascade--connections)
      conn)))

(defun cascade--initialize (conn root)
  "Send CONN's server the `initialize' request for ROOT; return its result.
When the server dies instead, signal a `user-error' with its last words."
  (condition-case err
      (jsonrpc-request
       conn :initialize
       (list :processId (emacs-pid)
             :clientInfo (list :name "cascade.el" :version "0.1.0")
             :rootUri (cascade--directory-uri root)
             :workspaceFolders
             (vector (list :uri (cascade--directory-uri root) :name root))
             :initializationOptions cascade-initialization-options
             :capabilities
             (list :general (list :positionEncodings ["utf-16"])
                   :window (list :workDoneProgress t)
                   :workspace (list :applyEdit t)
                   ;; cascade/suggestion: each candidate as its tests run, then the verdict.
                   :experimental (list :cascadeSuggestions t)
                   :textDocument
                   (list :inlineCompletion
                         (list :dynamicRegistration :json-false)
                         :synchronization
                         (list :dynamicRegistration :json-false))))
       :timeout 60)
    (jsonrpc-error
     ;; Let the sentinel and the stderr filter catch up before reading them.
     (accept-process-output nil 0.1)
     (let ((said (cascade--stderr-tail conn)))
       (setq cascade-last-error
             (format "Cascade: the server did not start (%s)%s"
                     (if (jsonrpc-running-p conn)
                         (alist-get 'jsonrpc-error-message (cdr err))
                       (cascade--exit-description conn))
                     (if said (concat ": " said) "")))
       (ignore-errors (jsonrpc-shutdown conn))
       (user-error "%s" cascade-last-error)))))

(defun cascade--connection ()
  "The live connection for the current buffer, started if needed."
  (let* ((root (cascade--root))
         (conn (gethash root cascade--connections)))
    (if (and conn (jsonrpc-running-p conn))
        conn
      (cascade--start root))))

(defun cascade--language-id ()
  "The LSP language id of the current buffer."
  (or (cdr (assq major-mode cascade-language-ids))
      (string-remove-suffix "-mode" (symbol-name major-mode))))

(defun cascade--sync (conn)
  "Make sure CONN has the current text of the buffer."
  (unless (eq cascade--doc-connection conn)
    (setq cascade--doc-connection conn
          cascade--doc-version 1
          cascade--doc-tick (buffer-chars-modified-tick))
    (jsonrpc-notify
     conn :textDocument/didOpen
     (list :textDocument
           (list :uri (cascade--uri) :languageId (cascade--language-id)
                 :version cascade--doc-version
                 :text (save-restriction
                         (widen)
                         (buffer-substring-no-properties (point-min)
                                                         (point-max)))))))
  (unless (eql cascade--doc-tick (buffer-chars-modified-tick))
    (setq cascade--doc-version (1+ cascade--doc-version)
          cascade--doc-tick (buffer-chars-modified-tick))
    ;; A change without a range replaces the whole document.
    (jsonrpc-notify
     conn :textDocument/didChange
     (list :textDocument (list :uri (cascade--uri)
                               :version cascade--doc-version)
           :contentChanges
           (vector (list :text (save-restriction
                                 (widen)
                                 (buffer-substring-no-properties
                                  (point-min) (point-max)))))))))

(defun cascade--error (format-string &rest args)
  "Record and show an error built from FORMAT-STRING and ARGS."
  (let ((text (apply #'format format-string args)))
    (setq cascade-last-error text
          cascade--progress nil)
    (force-mode-line-update t)
    (message "%s" text)))

(defun cascade--stderr-tail (conn)
  "The last non-empty lines CONN's server wrote to stderr, or nil."
  (let ((buffer (ignore-errors (jsonrpc-stderr-buffer conn))))
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (let ((lines (last (split-string (buffer-string) "\n" t "[ \t]+") 2)))
          (when lines (string-join lines " / ")))))))

(defun cascade--request-error-text (conn what code message)
  "Describe the failure of WHAT on CONN, given the error CODE and MESSAGE."
  (if (or (eql code -1) (not (jsonrpc-running-p conn)))
      (let ((said (cascade--stderr-tail conn)))
        (format "Cascade: the server %s during %s%s; the next request starts it again (see buffer *%s stderr*)"
                (cascade--exit-description conn) what
                (if said (concat ": " said) "")
                (jsonrpc-name conn)))
    (format "Cascade: %s failed: %s" what message)))

(defun cascade--cancel-pending ()
  "Cancel the request in flight in this buffer, if any."
  (when cascade--pending
    (let ((conn (car cascade--pending)) (id (cdr cascade--pending)))
      (when (and (numberp id) (jsonrpc-running-p conn))
        (jsonrpc-notify conn :$/cancelRequest (list :id id))))
    (setq cascade--pending nil)))

;;;; Workspace edits

(defun cascade--apply-text-edits (edits)
  "Apply EDITS, a sequence of LSP text edits, to the current buffer."
  (let ((markers
         (mapcar (lambda (edit)
                   (let ((range (plist-get edit :range)))
                     (list (copy-marker (cascade--lsp-to-point
                                         (plist-get range :start)))
                           (copy-marker (cascade--lsp-to-point
                                         (plist-get range :end))
                                        t)
                           (plist-get edit :newText))))
                 (append edits nil))))
    (save-excursion
      (dolist (m markers)
        (pcase-let ((`(,start ,end ,text) m))
          (goto-char start)
          (delete-region start end)
          (insert text)
          (set-marker start nil)
          (set-marker end nil))))))

(defun cascade--apply-workspace-edit (edit)
  "Apply EDIT, an LSP WorkspaceEdit plist."
  (let ((changes (plist-get edit :changes))
        (document-changes (plist-get edit :documentChanges)))
    (cl-loop for (key edits) on changes by #'cddr
             do (with-current-buffer
                    (find-file-noselect
                     (cascade--uri-to-file (substring (symbol-name key) 1)))
                  (cascade--apply-text-edits edits)))
    (seq-doseq (change document-changes)
      (when-let ((doc (plist-get change :textDocument)))
        (with-current-buffer
            (find-file-noselect (cascade--uri-to-file (plist-get doc :uri)))
          (cascade--apply-text-edits (plist-get change :edits)))))))

;;;; Suggestions

(defun cascade--item-text (item)
  "Return the text of ITEM, its `insertText'."
  (let ((text (plist-get item :insertText)))
    (if (stringp text) text (or (plist-get text :value) ""))))

(defun cascade--item-report (item)
  "The CascadeReport of ITEM, or nil."
  (plist-get (plist-get item :data) :cascade))

(defun cascade--ghost-lines (text typed before line)
  "The ghost text still to show of TEXT, a suggestion, as a list of lines.
TYPED is the buffer from the start of the region TEXT replaces to the
end of LINE, the line point is on; BEFORE is the buffer from that start
to the beginning of LINE, or nil when the region starts on LINE.  Nil
when the buffer contradicts TEXT or nothing is left to show.  A blank
LINE (auto-indent) is compared without it, and its indent is not shown
twice."
  (let ((strip 0) ghost)
    (cond
     ((string-prefix-p typed text)
      (setq ghost (substring text (length typed))))
     ((and before (string-match-p "\\`[ \t]*\\'" line)
           (string-prefix-p before text))
      (setq ghost (substring text (length before))
            strip (length line))))
    (when (and ghost (not (member ghost '("" "\n"))))
      (let ((lines (split-string ghost "\n")))
        (when (and (cdr lines) (equal (car (last lines)) ""))
          (setq lines (butlast lines)))
        (when (> strip 0)
          (let* ((first (car lines))
                 (lead (progn (string-match "\\`[ \t]*" first)
                              (match-end 0))))
            (setcar lines (substring first (min strip lead)))))
        lines))))

(defun cascade--plan (index)
  "What accepting item INDEX would do now, or nil if the buffer contradicts it.
A plist with :item, :text, :start, :end (the region it replaces) and
:lines (the ghost text still to show)."
  (let* ((item (nth index cascade--items))
         (bounds (nth index cascade--markers))
         (start (and bounds (marker-position (car bounds))))
         (end (and bounds (marker-position (cdr bounds))))
         (bol (line-beginning-position))
         (eol (line-end-position)))
    (when (and item start end
               (>= eol start)
               ;; A range ending at the start of this line ends before it.
               (or (> end bol) (= start end)
                   (and (= end bol) (= eol bol) (= start bol))))
      (let* ((text (cascade--item-text item))
             (lines (cascade--ghost-lines
                     text
                     (buffer-substring-no-properties start eol)
                     (and (>= bol start) (buffer-substring-no-properties start bol))
                     (buffer-substring-no-properties bol eol))))
        (when lines
          (list :item item :text text :start start :end (max end eol)
                :lines lines))))))

(defun cascade--clear-overlay ()
  "Remove the ghost text."
  (when (overlayp cascade--overlay)
    (delete-overlay cascade--overlay))
  (setq cascade--overlay nil))

(defun cascade--item-server-badge (item)
  "The badge the server sent for ITEM, or nil.
The `cascade/suggestion' badge (testing mark or verdict) it was drawn
with, else the answer's `data.badge'."
  (or (plist-get item :cascade-badge)
      (plist-get (plist-get item :data) :badge)))

(defun cascade--item-badge (item)
  "The badge of ITEM as drawn: the server's, in the face of its severity."
  (cascade-badge-string (cascade--item-server-badge item)
                        (cascade--item-report item)))

(defun cascade--show (plan)
  "Draw PLAN: ghost text after the line, the badge, the rest below."
  (cascade--clear-overlay)
  (let* ((lines (plist-get plan :lines))
         (badge (cascade--item-badge (plist-get plan :item)))
         (count (length cascade--items))
         (first (propertize (car lines) 'face 'cascade-suggestion-face))
         (rest (mapconcat (lambda (l)
                            (propertize l 'face 'cascade-suggestion-face))
                          (cdr lines) "\n"))
         (text (concat first "   " badge
                       (if (> count 1)
                           (propertize (format " · %d/%d" (1+ cascade--index)
                                               count)
                                       'face (get-text-property 0 'face badge))
                         "")
                       (if (cdr lines) (concat "\n" rest) "")))
         (eol (save-excursion (goto-char (line-end-position)) (point)))
         (ov (make-overlay eol eol nil nil t)))
    (when (> (length text) 0)
      ;; Keep the cursor before the ghost text.
      (put-text-property 0 1 'cursor t text))
    (overlay-put ov 'after-string text)
    (overlay-put ov 'cascade t)
    (overlay-put ov 'priority 100)
    (setq cascade--overlay ov
          cascade--shown plan)
    (cascade--activate-keys)))

(defun cascade--activate-keys ()
  "Make `cascade-active-map' active while a suggestion is shown."
  (unless cascade--exit-transient
    (let ((buffer (current-buffer)))
      (setq cascade--exit-transient
            (set-transient-map
             cascade-active-map
             (lambda ()
               (and (eq (current-buffer) buffer) cascade--shown t))
             (lambda ()
               (when (buffer-live-p buffer)
                 (with-current-buffer buffer
                   (setq cascade--exit-transient nil)))))))))

(defun cascade--render ()
  "Draw the current item, or the next that still fits; else dismiss."
  (when cascade--items
    (let ((count (length cascade--items))
          (found nil))
      (dotimes (offset count)
        (unless found
          (let* ((index (% (+ cascade--index offset) count))
                 (plan (cascade--plan index)))
            (when plan
              (setq cascade--index index
                    found t)
              (cascade--show plan)))))
      (unless found
        ;; A cascade still running only loses its candidate from the screen.
        (if cascade--pending (cascade--hide) (cascade-dismiss))))))

(defun cascade--forget-markers ()
  "Release the markers of the current items."
  (dolist (bounds cascade--markers)
    (set-marker (car bounds) nil)
    (set-marker (cdr bounds) nil))
  (setq cascade--markers nil))

(defun cascade--place (items)
  "Make ITEMS the suggestions.
Each gets markers around the region it would replace."
  (cascade--hide)
  (setq cascade--items items
        cascade--index 0
        cascade--markers
        (mapcar (lambda (item)
                  (let ((range (plist-get item :range)))
                    (if range
                        (cons (copy-marker (cascade--lsp-to-point
                                            (plist-get range :start)))
                              (copy-marker (cascade--lsp-to-point
                                            (plist-get range :end))
                                           t))
                      (cons (copy-marker (point)) (copy-marker (point) t)))))
                items)))

(defun cascade--adopt-answer (items)
  "Take ITEMS, an answer repeating the verdict drawn, without drawing again.
The answer's item carries the accept command.  Return nil when ITEMS
is not that verdict."
  (let* ((shown (and cascade--verdict-shown cascade--shown))
         (drawn (plist-get shown :item))
         (answer (car items)))
    (when (and shown (null (cdr items)) (null (cdr cascade--items))
               (equal (cascade--item-text answer) (cascade--item-text drawn))
               (equal (plist-get answer :range) (plist-get drawn :range)))
      (let ((adopted (append (list :cascade-badge (plist-get drawn :cascade-badge))
                             answer)))
        (setq cascade--items (list adopted)
              cascade--shown (plist-put cascade--shown :item adopted)))
      t)))

(defun cascade--receive (items kind)
  "Show ITEMS, the answer to a request of trigger KIND."
  (let ((items (append (if (and (listp items) (plist-member items :items))
                           (plist-get items :items)
                         items)
                       nil)))
    (if (null items)
        (progn (cascade--hide)
               (when (= kind 1) (message "Cascade: no suggestion here")))
      (unless (cascade--adopt-answer items)
        (cascade-dismiss)
        (cascade--place items)
        (cascade--render)))))

(defun cascade--awaiting-buffer (conn params)
  "The buffer whose request in flight CONN's PARAMS are news of.
PARAMS is a `cascade/suggestion'.  Nil for another request's (a stale
id, or another document)."
  (cl-find-if (lambda (buffer)
                (with-current-buffer buffer
                  (and cascade--pending cascade--asked
                       (eq (car cascade--pending) conn)
                       (eql (cdr cascade--pending) (plist-get params :id))
                       (equal (plist-get cascade--asked :uri)
                              (plist-get params :uri)))))
              (buffer-list)))

(defun cascade--where-asked-p ()
  "Non-nil while the text and point are as they were when the request was made."
  (and (eql (buffer-chars-modified-tick) (plist-get cascade--asked :tick))
       (eql (point) (plist-get cascade--asked :point))))

(defun cascade--on-suggestion (conn params)
  "Show PARAMS, a `cascade/suggestion' from CONN, if it is news of our request.
A candidate being tested (state \"testing\"), then the verdict just
before the answer; shown only while nothing moved since the request."
  (when-let ((buffer (cascade--awaiting-buffer conn params)))
    (with-current-buffer buffer
      (let ((testing (equal (plist-get params :state) "testing"))
            (report (plist-get params :report))
            (badge (plist-get params :badge))
            (item (plist-get params :item)))
        (when (cascade--where-asked-p)
          (cond
           (item
            (cascade--place
             (list (list :insertText (plist-get item :insertText)
                         :range (plist-get item :range)
                         :data (and report (list :cascade report))
                         :cascade-state (plist-get params :state)
                         :cascade-badge badge)))
            (setq cascade--verdict-shown (not testing))
            (cascade--render))
           ;; A verdict with nothing to offer takes the candidate down.
           ((not testing) (cascade--hide))))))))

;;;; Commands

;;;###autoload
(defun cascade-trigger (&optional kind)
  "Ask the server for a suggestion at point.
KIND is the LSP trigger kind: 1 (invoked, the default) runs the full
cascade, 2 (automatic) may answer from the cache."
  (interactive)
  (let* ((kind (or kind 1))
         (buffer (current-buffer))
         (conn (cascade--connection))
         (generation (cl-incf cascade--generation))
         (token (format "cascade-el-%d" (cl-incf cascade--token-counter))))
    (cascade-dismiss)
    (setq cascade-last-error nil)
    (cascade--sync conn)
    (jsonrpc-async-request
     conn :textDocument/inlineCompletion
     (list :textDocument (list :uri (cascade--uri))
           :position (cascade--lsp-position)
           :context (list :triggerKind kind)
           :workDoneToken token)
     :timeout cascade-request-timeout
     :success-fn
     (lambda (result)
       (when (buffer-live-p buffer)
         (with-current-buffer buffer
           (when (= generation cascade--generation)
             (setq cascade--pending nil
                   cascade--asked nil
                   cascade--progress nil)
             (cascade--receive result kind)))))
     :error-fn
     (jsonrpc-lambda (&key code message &allow-other-keys)
		     (when (buffer-live-p buffer)
		       (with-current-buffer buffer
			 (when (= generation cascade--generation)
			   (setq cascade--pending nil)
			   (unless (eql code -32800)
			     (cascade--error "%s" (cascade--request-error-text
						   conn "the suggestion" code message)))))))
     :timeout-fn
     (lambda ()
       (when (buffer-live-p buffer)
         (with-current-buffer buffer
           (when (= generation cascade--generation)
             (setq cascade--pending nil)
             (cascade--error "Cascade: no answer after %s s; see `cascade-request-timeout'"
                             cascade-request-timeout))))))
    (setq cascade--pending
          (cons conn (ignore-errors (jsonrpc--next-request-id conn)))
          cascade--asked
          (list :tick (buffer-chars-modified-tick) :point (point)
                :uri (cascade--uri)))))

(defun cascade--hide ()
  "Take the suggestion off the screen, leaving a request in flight running."
  (cascade--clear-overlay)
  (cascade--forget-markers)
  (setq cascade--items nil
        cascade--index 0
        cascade--shown nil
        cascade--verdict-shown nil)
  (when cascade--exit-transient
    (let ((exit cascade--exit-transient))
      (setq cascade--exit-transient nil)
      (funcall exit))))

(defun cascade-dismiss ()
  "Hide the suggestion and cancel any request in flight."
  (interactive)
  (cascade--cancel-pending)
  (setq cascade--asked nil)
  (cascade--hide))

(defun cascade-next ()
  "Show the next suggestion; with none shown, ask for one."
  (interactive)
  (if (null cascade--items)
      (cascade-trigger)
    (setq cascade--index (% (1+ cascade--index) (length cascade--items)))
    (cascade--render)))

(defun cascade-accept ()
  "Insert the suggestion shown and tell the server it was accepted.
Returns non-nil when a suggestion was inserted."
  (interactive)
  (let ((plan (and cascade--shown (cascade--plan cascade--index)))
        (conn cascade--doc-connection))
    (if (not plan)
        (progn (cascade-dismiss) nil)
      (let* ((item (plist-get plan :item))
             (report (cascade--item-report item))
             (text (plist-get plan :text))
             (start (plist-get plan :start))
             (end (plist-get plan :end))
             (command (plist-get item :command)))
        (cascade-dismiss)
        (goto-char start)
        (delete-region start end)
        (insert text)
        (when (and (string-suffix-p "\n" text) (> (length text) 1))
          (backward-char 1))
        (when (and conn (jsonrpc-running-p conn))
          (cond
           ((plist-get command :command)
            (jsonrpc-async-request conn :workspace/executeCommand
                                   (list :command (plist-get command :command)
                                         :arguments (or (plist-get command :arguments) []))))
           ((plist-get report :id)
            (jsonrpc-async-request conn :workspace/executeCommand
                                   (list :command "cascade.accepted"
                                         :arguments (vector (list :id (plist-get report :id))))))))
        t))))

(defun cascade--run-edit-command (command what)
  "Run the server's COMMAND (described as WHAT) for the function at point.
The server gets the buffer's URI and point's 0-based line, finds the
function there with its own language support (Python, JavaScript), and
edits the buffer through `workspace/applyEdit'."
  (let* ((conn (cascade--connection))
         (buffer (current-buffer))
         (line (1- (line-number-at-pos nil t)))
         (token (format "cascade-el-%d" (cl-incf cascade--token-counter))))
    (setq cascade-last-error nil)
    (cascade--sync conn)
    (jsonrpc-async-request
     conn :workspace/executeCommand
     (list :command command
           :arguments (vector (list :uri (cascade--uri) :line line))
           :workDoneToken token)
     :timeout cascade-request-timeout
     :success-fn
     (lambda (result)
       (setq cascade--progress nil)
       (cond
        ;; A server may answer with the edit instead of workspace/applyEdit.
        ((and (listp result) (or (plist-get result :changes)
                                 (plist-get result :documentChanges)))
         (when (buffer-live-p buffer)
           (with-current-buffer buffer
             (cascade--apply-workspace-edit result))))
        ((and (listp result) (eq (plist-get result :applied) :json-false))
         (let ((report (plist-get result :report)))
           (cascade--error "Cascade: %s found nothing usable%s" what
                           (if report
                               (format " (%s%s)"
                                       (cascade-badge-string (plist-get result :badge) report)
                                       (if (stringp (plist-get report :reason))
                                           (concat "; " (plist-get report :reason))
                                         ""))
                             "")))))
       (force-mode-line-update t))
     :error-fn
     (jsonrpc-lambda (&key code message &allow-other-keys)
       (cascade--error "%s" (cascade--request-error-text conn what code message)))
     :timeout-fn
     (lambda () (cascade--error "Cascade: %s got no answer in time" what)))))

(defun cascade-generate-from-docstring ()
  "Write the body of the function at point from its signature and docstring."
  (interactive)
  (cascade--run-edit-command "cascade.generateFromDocstring"
                             "generate from docstring"))

(defun cascade-insert-tests ()
  "Insert the function at point's validating assertions, in a test function."
  (interactive)
  (cascade--run-edit-command "cascade.insertTests" "insert tests"))

(defun cascade--ledger-text (ledger)
  "LEDGER, the answer to `cascade/ledger', as text."
  (let* ((base (or (plist-get ledger :baselineUSD) 0))
         (saved (or (plist-get ledger :savedUSD) 0))
         (by-tier (plist-get ledger :byTier))
         (row (lambda (name value) (format "%-10s %s\n" name value))))
    (concat
     "Cascade: this session\n\n"
     (funcall row "requests" (or (plist-get ledger :requests) 0))
     (funcall row "spent" (cascade--format-usd (plist-get ledger :spentUSD)))
     (funcall row "baseline" (cascade--format-usd base))
     ;; A loss shows as a loss: escalating can cost more than the last tier alone.
     (funcall row (if (< saved 0) "lost" "saved")
              (concat (cascade--format-usd (abs saved))
                      (if (> base 0)
                          (format " (%d%%)" (round (* 100 (/ (abs (float saved)) base))))
                        "")))
     (if by-tier
         (concat
          "\nby tier\n"
          (cl-loop for (key value) on by-tier by #'cddr
                   concat (funcall
                           row (concat "  " (substring (symbol-name key) 1))
                           (if (listp value)
                               (string-join
                                (cl-loop for (k v) on value by #'cddr
                                         collect (let ((name (substring (symbol-name k) 1)))
                                                   (format "%s %s" name
                                                           (if (and (numberp v)
                                                                    (string-match-p "usd" (downcase name)))
                                                               (cascade--format-usd v)
                                                             v))))
                                ", ")
                             (format "%s" value)))))
       ""))))

(defun cascade-ledger ()
  "Show what this session spent and saved, from the server's ledger.
Returns the text shown."
  (interactive)
  (let* ((conn (cascade--connection))
         (ledger (condition-case err
                     (jsonrpc-request conn :cascade/ledger (make-hash-table)
                                      :timeout 30)
                   (jsonrpc-error
                    (cascade--error "Cascade: the ledger request failed: %s"
                                    (alist-get 'jsonrpc-error-message (cdr err)))
                    nil)))
         (text (and ledger (cascade--ledger-text ledger))))
    (when text
      (with-current-buffer (get-buffer-create "*cascade ledger*")
        (let ((inhibit-read-only t))
          (erase-buffer)
          (insert text))
        (special-mode)
        (goto-char (point-min)))
      (display-buffer "*cascade ledger*"
                      '((display-buffer-below-selected)
                        (window-height . fit-window-to-buffer))))
    text))

(defun cascade-current-suggestion ()
  "The suggestion shown, as (:text TEXT :report REPORT :state STATE), or nil.
While its tests run REPORT is nil and STATE is \"testing\"; then STATE
is the report's status."
  (when cascade--shown
    (let* ((item (plist-get cascade--shown :item))
           (report (cascade--item-report item)))
      (list :text (plist-get cascade--shown :text)
            :report report
            :state (or (plist-get item :cascade-state)
                       (plist-get report :status))))))

(defun cascade--describe-session (session)
  "SESSION's totals, as `cascade/report' sends them, in a few words.
\"$0.0041 · 71% cheaper\", or \"$0.0056 · 12% dearer\" for a loss."
  (let* ((spent (or (plist-get session :spentUSD) 0))
         (baseline (or (plist-get session :baselineUSD) 0))
         (saved (or (plist-get session :savedUSD) (- baseline spent)))
         (percent (if (> baseline 0) (round (* 100 (/ (abs (float saved)) baseline))) 0)))
    (concat (cascade--format-usd spent)
            (if (> percent 0)
                (format " · %d%% %s" percent (if (> saved 0) "cheaper" "dearer"))
              ""))))

(defun cascade-mode-line-string ()
  "Return the progress of a running cascade, else the session's spending.
The spending is the session's totals as the buffer's server last sent
them (`cascade/report')."
  (let ((session (and cascade--doc-connection
                      (cascade-connection-session cascade--doc-connection))))
    (cond
     (cascade--progress (format " Cascade[%s]" cascade--progress))
     (cascade-last-error " Cascade[✗]")
     ((null session) " Cascade")
     (t (concat " Cascade[" (cascade--describe-session session) "]")))))

;;;; The minor mode

(defun cascade--after-change (&rest _)
  "Re-check the suggestion once the change is done."
  (when cascade--shown
    (let ((buffer (current-buffer)))
      (run-at-time 0 nil (lambda ()
                           (when (buffer-live-p buffer)
                             (with-current-buffer buffer
                               (when cascade--shown (cascade--render)))))))))

(defun cascade--post-command ()
  "Keep, move or drop the suggestion after a command; maybe request one."
  (when cascade--shown
    (cascade--render))
  (when (and cascade-idle-delay (not cascade--shown)
             (memq this-command '(self-insert-command newline
						      python-indent-dedent-line-backspace
						      delete-backward-char)))
    (when (timerp cascade--idle-timer) (cancel-timer cascade--idle-timer))
    (let ((buffer (current-buffer)))
      (setq cascade--idle-timer
            (run-with-idle-timer
             cascade-idle-delay nil
             (lambda ()
               (when (and (buffer-live-p buffer)
                          (eq buffer (window-buffer (selected-window))))
                 (with-current-buffer buffer
                   (unless cascade--shown (cascade-trigger 2))))))))))

;;;###autoload
(define-minor-mode cascade-mode
  "Verified, priced code suggestions from `cascade lsp'.
\\<cascade-mode-map>\\[cascade-trigger] asks for a suggestion; while one
is shown, \\<cascade-active-map>\\[cascade-accept] accepts it, \
\\[cascade-next] shows the next and \\[cascade-dismiss] dismisses it.

\\{cascade-mode-map}"
  :lighter (:eval (cascade-mode-line-string))
  :keymap cascade-mode-map
  (if cascade-mode
      (progn
        (add-hook 'post-command-hook #'cascade--post-command nil t)
        (add-hook 'after-change-functions #'cascade--after-change nil t)
        (add-hook 'kill-buffer-hook #'cascade--close-document nil t))
    (remove-hook 'post-command-hook #'cascade--post-command t)
    (remove-hook 'after-change-functions #'cascade--after-change t)
    (remove-hook 'kill-buffer-hook #'cascade--close-document t)
    (cascade--close-document)))

(defun cascade--close-document ()
  "Tell the server this buffer is closed, and drop its suggestion."
  (cascade-dismiss)
  (when (and cascade--doc-connection (jsonrpc-running-p cascade--doc-connection))
    (ignore-errors
      (jsonrpc-notify cascade--doc-connection :textDocument/didClose
                      (list :textDocument (list :uri (cascade--uri))))))
  (setq cascade--doc-connection nil))

(defun cascade-shutdown-all ()
  "Stop every server this package started."
  (interactive)
  (maphash (lambda (_root conn)
             (ignore-errors (jsonrpc-request conn :shutdown nil :timeout 2))
             (ignore-errors (jsonrpc-notify conn :exit nil))
             (ignore-errors (jsonrpc-shutdown conn)))
           cascade--connections)
  (clrhash cascade--connections))

(provide 'cascade)
;;; cascade.el ends here
