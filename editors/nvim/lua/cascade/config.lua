--- Defaults for require('cascade').setup(opts), and the merged options in use.
local M = {}

M.defaults = {
  -- The server command; `--config FILE` is appended when `config` is a path.
  cmd = { 'cascade', 'lsp' },
  -- A path to a config file (passed as `--config`) or a table sent as
  -- initializationOptions (the same object as the JSON config file).
  config = nil,
  -- Filetypes the client attaches to.
  filetypes = { 'python', 'javascript' },
  -- Ask for a suggestion automatically after typing pauses in insert mode.
  auto_trigger = false,
  -- Milliseconds of quiet typing before an automatic request.
  debounce_ms = 300,
  -- Files or directories whose presence marks a project root (one server per root).
  root_markers = { '.cascade.json', '.git', 'pyproject.toml', 'setup.py', 'package.json' },
  -- Insert-mode keys; set one to false to leave it unmapped, or keymaps = false for none.
  keymaps = {
    accept = '<M-l>',
    next = '<M-]>',
    dismiss = '<C-]>',
    trigger = '<M-\\>',
  },
  -- Echo $/progress messages while an invoked (not automatic) cascade runs.
  echo_progress = true,
  -- Extra environment for the server process.
  cmd_env = nil,
}

M.options = vim.deepcopy(M.defaults)

--- Merges user options over the defaults; `keymaps = false` turns every key off.
function M.merge(opts)
  opts = opts or {}
  local merged = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  if opts.keymaps == false then
    merged.keymaps = {}
  end
  -- Lists replace, they do not merge element-wise.
  if opts.cmd then merged.cmd = opts.cmd end
  if opts.filetypes then merged.filetypes = opts.filetypes end
  if opts.root_markers then merged.root_markers = opts.root_markers end
  M.options = merged
  return merged
end

return M
