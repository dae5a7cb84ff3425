--- Cascade for Neovim: verified, priced inline suggestions from `cascade lsp`.
---
--- The public API, gathered from the modules that do the work:
---   cascade.positions   LSP positions <-> buffer bytes
---   cascade.suggestion  asking for, tracking, drawing and accepting suggestions
---   cascade.commands    generate from docstring, insert tests, the ledger
---   cascade.lifecycle   setup, attaching buffers, server events
---   cascade.client      the LSP connection;  cascade.status  the statusline
---   cascade.ui          ghost text, badges, highlights, the ledger window
local client = require('cascade.client')
local commands = require('cascade.commands')
local lifecycle = require('cascade.lifecycle')
local status = require('cascade.status')
local suggestion = require('cascade.suggestion')

local M = {}

M.TRIGGER_INVOKED, M.TRIGGER_AUTOMATIC = suggestion.TRIGGER_INVOKED, suggestion.TRIGGER_AUTOMATIC

--- Configures the plugin and attaches it to buffers of the configured filetypes.
M.setup = lifecycle.setup
--- Makes sure setup ran (commands work with the defaults even without it).
M.ensure_setup = lifecycle.ensure_setup
--- Attaches Cascade to a buffer (setup does this for the configured filetypes).
M.attach = lifecycle.attach

--- Asks the server for suggestions at the cursor. kind: 1 invoked (full cascade, default), 2 automatic.
M.trigger = suggestion.trigger
--- Inserts the shown suggestion and tells the server it was accepted. Returns true when it did.
M.accept = suggestion.accept
--- Forgets the suggestion (and any request in flight) for a buffer (default: the current one).
M.dismiss = suggestion.dismiss
--- Shows the next suggestion (wrapping); with none shown, asks for one.
M.next = suggestion.next

--- Writes the body of the function at the cursor from its signature and docstring.
M.generate = commands.generate
--- Inserts the tests that validated the function at the cursor.
M.insert_tests = commands.insert_tests
--- Shows the session's totals in a floating window; on_done(lines) for scripts.
M.ledger = commands.ledger

--- The displayed suggestion as { text = insertText, report = CascadeReport, state = ... },
--- or nil. While its tests run: report = nil, state = 'testing'; then the report's status.
M.suggestion = suggestion.current

--- A short status for the statusline: progress while a cascade runs, else the session's
--- spend as the current buffer's server last reported it.
function M.statusline()
  return status.statusline(client.entry_for(vim.api.nvim_get_current_buf()))
end

--- The last error shown to the user, or nil (cleared by the next successful request).
function M.last_error() return status.last_error end

return M
