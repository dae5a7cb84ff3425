--- Setup and buffers: which buffers Cascade attaches to, their keys, change tracking
--- and automatic requests, and what happens when a server reports, progresses or exits.
local config = require('cascade.config')
local client = require('cascade.client')
local status = require('cascade.status')
local suggestion = require('cascade.suggestion')
local ui = require('cascade.ui')

local M = {}

local did_setup = false
local timers = {}

-- Server events.

client.hooks.on_progress = status.on_progress

client.hooks.on_report = function(entry, params)
  status.on_report(entry, params)
  pcall(vim.cmd, 'redrawstatus')
end

client.hooks.on_suggestion = suggestion.on_suggestion

client.hooks.on_exit = function(_, message, code, signal)
  -- A requested shutdown (exit 0, or SIGTERM from :qa) is not worth a message.
  if (code == 0 and (signal == 0 or signal == nil)) or signal == 15 then return end
  suggestion.drop_pending()
  -- A failed request has usually reported this already.
  if status.last_error ~= message then status.error(message) end
end

-- Buffers.

local function schedule_automatic(bufnr)
  if timers[bufnr] then timers[bufnr]:stop() end
  timers[bufnr] = timers[bufnr] or (vim.uv or vim.loop).new_timer()
  timers[bufnr]:start(config.options.debounce_ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_get_current_buf() == bufnr and vim.api.nvim_get_mode().mode:sub(1, 1) == 'i' then
      suggestion.trigger(suggestion.TRIGGER_AUTOMATIC)
    end
  end))
end

local function map_keys(bufnr)
  local keys = config.options.keymaps or {}
  local function map(lhs, fn, desc)
    if lhs then vim.keymap.set('i', lhs, fn, { buffer = bufnr, silent = true, desc = desc }) end
  end
  map(keys.accept, function()
    if not suggestion.accept() then
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys.accept, true, false, true), 'n', false)
    end
  end, 'Cascade: accept suggestion')
  map(keys.next, suggestion.next, 'Cascade: next suggestion')
  map(keys.dismiss, function() suggestion.dismiss() end, 'Cascade: dismiss suggestion')
  map(keys.trigger, function() suggestion.trigger(suggestion.TRIGGER_INVOKED) end, 'Cascade: ask for a suggestion')
end

--- Sends the buffer's whole text as a didOpen to its server, if one serves it.
local function reopen(bufnr)
  local entry = client.entry_for(bufnr)
  if not entry or not vim.api.nvim_buf_is_loaded(bufnr) then return end
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  if vim.bo[bufnr].eol then text = text .. '\n' end
  client.notify(entry, 'textDocument/didOpen', {
    textDocument = {
      uri = vim.uri_from_bufnr(bufnr),
      languageId = vim.bo[bufnr].filetype,
      version = vim.api.nvim_buf_get_changedtick(bufnr),
      text = text,
    },
  })
end

--- Attaches Cascade to a buffer: keys, change tracking, and the server.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local state = suggestion.state(bufnr)
  if state.attached then return end
  state.attached = true
  map_keys(bufnr)
  -- Re-check the suggestion after every change, also ones made by scripts.
  vim.api.nvim_buf_attach(bufnr, false, {
    on_lines = function()
      local current = suggestion.existing(bufnr)
      if not current then return true end
      if current.shown then vim.schedule(function() suggestion.render(bufnr) end) end
    end,
    -- Neovim 0.7 sends didClose but no didOpen when a buffer is reloaded (:edit!):
    -- open it again (a second didOpen merely replaces the text on the server).
    on_reload = function()
      vim.schedule(function() reopen(bufnr) end)
    end,
    -- Neovim detaches every client when a buffer is re-read (:edit!); the FileType
    -- event that follows attaches this buffer again.
    on_detach = function()
      suggestion.forget(bufnr)
      client.forget_buffer(bufnr)
    end,
  })
  local group = vim.api.nvim_create_augroup('cascade_buffer_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI' }, {
    group = group, buffer = bufnr,
    callback = function() if state.shown then suggestion.render(bufnr) end end,
  })
  vim.api.nvim_create_autocmd('TextChangedI', {
    group = group, buffer = bufnr,
    callback = function()
      if config.options.auto_trigger and not state.shown then schedule_automatic(bufnr) end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufLeave', 'InsertLeave' }, {
    group = group, buffer = bufnr,
    callback = function(args)
      -- Leaving insert mode drops automatic suggestions, not ones asked for from normal mode.
      if args.event == 'BufLeave' or config.options.auto_trigger then suggestion.dismiss(bufnr) end
    end,
  })
  client.with_client(bufnr, function(entry, err)
    if not entry then status.error(err) end
  end)
end

--- Configures the plugin and attaches it to buffers of the configured filetypes.
function M.setup(opts)
  config.merge(opts)
  did_setup = true
  ui.define_highlights()
  local group = vim.api.nvim_create_augroup('cascade', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.options.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = ui.define_highlights })
  vim.api.nvim_create_autocmd('VimLeavePre', { group = group, callback = client.stop_all })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.options.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

--- Makes sure setup ran (commands work with the defaults even without it).
function M.ensure_setup()
  if not did_setup then M.setup({}) end
end

return M
