-- Cascade: commands only; everything else lives in lua/cascade/ (see :help cascade).
if vim.g.loaded_cascade then return end
vim.g.loaded_cascade = true

local function command(name, fn, desc)
  vim.api.nvim_create_user_command(name, function()
    local cascade = require('cascade')
    cascade.ensure_setup()
    fn(cascade)
  end, { desc = desc })
end

command('CascadeTrigger', function(c) c.trigger() end, 'Ask Cascade for a suggestion at the cursor')
command('CascadeAccept', function(c) c.accept() end, 'Insert the shown suggestion')
command('CascadeDismiss', function(c) c.dismiss() end, 'Hide the shown suggestion')
command('CascadeNext', function(c) c.next() end, 'Show the next suggestion')
command('CascadeGenerate', function(c) c.generate() end, 'Write the function body from its docstring')
command('CascadeTests', function(c) c.insert_tests() end, 'Insert the tests that validated the function')
command('CascadeLedger', function(c) c.ledger() end, "Show the session's spending")
command('CascadeLog', function()
  local lsp_log = vim.lsp.log and vim.lsp.log.get_filename -- Neovim 0.12; before, get_log_path
  local path = require('cascade.client').last_stderr or (lsp_log and lsp_log() or vim.lsp.get_log_path())
  vim.cmd('split ' .. vim.fn.fnameescape(path))
end, "Open the server's stderr (else Neovim's LSP log)")
