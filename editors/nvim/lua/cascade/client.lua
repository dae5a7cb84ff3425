--- The LSP connection: one `cascade lsp` client per project root, reused by every
--- buffer under that root. Requests made here fail cleanly (with an error the
--- caller can show) when the server exits while they are pending.
local config = require('cascade.config')

local M = {}

--- root directory -> { id = client_id, pending = { [request_id] = callback }, waiting = { fn, ... } }
local by_root = {}
--- bufnr -> root it is attached under
local root_of_buf = {}

--- Hooks set by lifecycle.lua: on_progress(token, value), on_report(entry, params),
--- on_suggestion(entry, params), on_exit(root, message, code, signal).
M.hooks = {}

local uv = vim.uv or vim.loop

--- Calls a method of an LSP client object. Neovim 0.11 made clients objects of a class
--- (`client:request(...)`; the old `client.request(...)` warns); older versions give
--- each client plain closures (`client.request(...)`).
local function call(client, name, ...)
  local class = getmetatable(client)
  local method = class and type(class.__index) == 'table' and rawget(class.__index, name)
  if type(method) == 'function' then
    return method(client, ...)
  end
  return client[name](...)
end
M.call = call

--- The nearest ancestor of the buffer's file holding one of the root markers, else its directory.
function M.root_for(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  local current = dir
  while current and current ~= '' do
    for _, marker in ipairs(config.options.root_markers) do
      if uv.fs_stat(current .. '/' .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then break end
    current = parent
  end
  return dir
end

--- The repository this plugin was loaded from (…/editors/nvim/lua/cascade/client.lua).
local repository = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h:h:h')

--- When the command is not on PATH, a `cascade` built in the plugin's own clone
--- (`swift build -c release`), so the README's snippet works without installing it.
local function built_in_clone(program)
  if program ~= 'cascade' or vim.fn.executable(program) == 1 then return nil end
  for _, configuration in ipairs({ 'release', 'debug' }) do
    local candidate = repository .. '/.build/' .. configuration .. '/cascade'
    if vim.fn.executable(candidate) == 1 then return candidate end
  end
  return nil
end

--- The server command with `--config FILE` appended when the config is a path.
local function command()
  local cmd = vim.deepcopy(config.options.cmd)
  cmd[1] = built_in_clone(cmd[1]) or cmd[1]
  if type(config.options.config) == 'string' then
    table.insert(cmd, '--config')
    table.insert(cmd, vim.fn.expand(config.options.config))
  end
  return cmd
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.textDocument = caps.textDocument or {}
  caps.textDocument.inlineCompletion = { dynamicRegistration = false }
  caps.window = caps.window or {}
  caps.window.workDoneProgress = true
  -- cascade/suggestion: each candidate while its tests run, then the verdict.
  caps.experimental = caps.experimental or {}
  caps.experimental.cascadeSuggestions = true
  caps.general = caps.general or {}
  -- Neovim before 0.10 neither offers nor reads `positionEncoding`: pin utf-16,
  -- the encoding it computes positions in.
  if not caps.general.positionEncodings then
    caps.general.positionEncodings = { 'utf-16' }
  end
  return caps
end

--- Answers every request still waiting on a server that has exited. After a
--- requested shutdown (quiet) they end as cancelled, which callers do not report.
local function fail_pending(entry, message, quiet)
  local pending = entry.pending
  entry.pending = {}
  for _, callback in pairs(pending) do
    vim.schedule(function()
      callback({ code = quiet and -32800 or -32099, message = message }, nil)
    end)
  end
  local waiting = entry.waiting
  entry.waiting = {}
  if quiet then return end
  for _, fn in ipairs(waiting) do
    vim.schedule(function() fn(nil, message) end)
  end
end

--- The last non-empty lines of a file (the server's own explanation of an exit).
--- Plain Lua I/O: this runs in on_exit, a libuv callback where vim.fn is not allowed.
local function tail(path, count)
  local file = path and io.open(path, 'r')
  if not file then return nil end
  local lines = {}
  for line in file:lines() do table.insert(lines, line) end
  file:close()
  local kept = {}
  for i = #lines, 1, -1 do
    if lines[i]:match('%S') then table.insert(kept, 1, (lines[i]:gsub('^%s+', ''):gsub('%s+$', ''))) end
    if #kept >= count then break end
  end
  return #kept > 0 and table.concat(kept, ' / ') or nil
end

--- The stderr file of the last server started (for :CascadeLog).
M.last_stderr = nil

local function start(root, bufnr)
  local entry = { pending = {}, waiting = {}, ready = false }
  local cmd = command()
  if vim.fn.executable(cmd[1]) ~= 1 then
    return nil, string.format("cascade: cannot run '%s': not found on PATH. Install it (swift build -c release) or set cmd in require('cascade').setup{}.", cmd[1])
  end
  -- The server's stderr goes to a file of its own, so an exit can be explained with
  -- the server's last words (Neovim would only put them in its LSP log).
  entry.stderr = vim.fn.tempname() .. '-cascade-stderr.log'
  M.last_stderr = entry.stderr
  -- Its pid goes to a file too: Neovim 0.11 and later no longer expose it.
  entry.pid_file = entry.stderr .. '.pid'
  local env = vim.tbl_extend('force', config.options.cmd_env or {},
    { CASCADE_NVIM_STDERR = entry.stderr, CASCADE_NVIM_PID = entry.pid_file })
  if vim.fn.executable('sh') == 1 then
    cmd = vim.list_extend({ 'sh', '-c', 'echo $$ >"$CASCADE_NVIM_PID"; exec "$@" 2>>"$CASCADE_NVIM_STDERR"', 'cascade' }, cmd)
  end
  local init_options = type(config.options.config) == 'table' and config.options.config or nil
  local lsp_config = {
    name = 'cascade',
    cmd = cmd,
    cmd_env = env,
    root_dir = root,
    init_options = init_options,
    capabilities = capabilities(),
    handlers = {
      ['$/progress'] = function(_, params)
        if params and M.hooks.on_progress then M.hooks.on_progress(params.token, params.value or {}) end
      end,
      ['cascade/report'] = function(_, params)
        if params and M.hooks.on_report then M.hooks.on_report(entry, params) end
      end,
      ['cascade/suggestion'] = function(_, params)
        if params and M.hooks.on_suggestion then M.hooks.on_suggestion(entry, params) end
      end,
      ['window/workDoneProgress/create'] = function() return vim.NIL end,
    },
    on_attach = function(_, attached_buf)
      entry.attached = entry.attached or {}
      entry.attached[attached_buf] = true
      entry.ready = true
      local waiting = entry.waiting
      entry.waiting = {}
      for _, fn in ipairs(waiting) do
        vim.schedule(function() fn(entry) end)
      end
    end,
    on_exit = function(code, signal)
      if by_root[root] == entry then by_root[root] = nil end
      for b, r in pairs(root_of_buf) do
        if r == root then root_of_buf[b] = nil end
      end
      local how = (signal and signal ~= 0) and ('was killed by signal ' .. signal) or ('exited with code ' .. tostring(code))
      local said = tail(entry.stderr, 2)
      local message = string.format('cascade: the server %s%s; the next request starts it again (:CascadeLog shows its stderr).',
        how, said and (': ' .. said) or '')
      entry.exited = message
      fail_pending(entry, message, (code == 0 and (signal or 0) == 0) or signal == 15)
      if M.hooks.on_exit then
        vim.schedule(function() M.hooks.on_exit(root, message, code, signal) end)
      end
    end,
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(lsp_config, { bufnr = bufnr, reuse_client = function() return false end })
  else
    id = vim.lsp.start_client(lsp_config)
  end
  if not id then
    return nil, 'cascade: the server did not start; run `' .. table.concat(cmd, ' ') .. '` in a shell to see why.'
  end
  entry.id = id
  by_root[root] = entry
  return entry
end

--- Calls fn(entry) once the buffer's server is initialized and has the document
--- open, starting the server if needed; on failure calls fn(nil, message).
function M.with_client(bufnr, fn)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = root_of_buf[bufnr] or M.root_for(bufnr)
  local entry = by_root[root]
  if not entry then
    local err
    entry, err = start(root, bufnr)
    if not entry then
      return fn(nil, err)
    end
  end
  root_of_buf[bufnr] = root
  if not (entry.attached and entry.attached[bufnr]) then
    -- Queued first: attaching an initialized client runs on_attach right away.
    table.insert(entry.waiting, fn)
    vim.lsp.buf_attach_client(bufnr, entry.id)
    return
  end
  fn(entry)
end

--- The Neovim LSP client object for an entry, or nil when it has gone away.
function M.client_of(entry)
  return entry and vim.lsp.get_client_by_id(entry.id)
end

--- The offset encoding positions are exchanged in with an entry's server.
function M.encoding(entry)
  local c = M.client_of(entry)
  return (c and c.offset_encoding) or 'utf-16'
end

local next_token = 0

--- A fresh work-done progress token.
function M.new_token()
  next_token = next_token + 1
  return 'cascade-' .. next_token
end

--- Sends a request; callback(err, result) runs exactly once, also when the server dies.
--- Returns the request id (for cancel) or nil.
function M.request(entry, bufnr, method, params, callback)
  local client = M.client_of(entry)
  if not client or entry.exited then
    vim.schedule(function() callback({ code = -32099, message = entry and entry.exited or 'cascade: the server is not running.' }) end)
    return nil
  end
  local request_id
  local done = false
  local ok, id = call(client, 'request', method, params, function(err, result)
    if done then return end
    done = true
    if request_id then entry.pending[request_id] = nil end
    callback(err, result)
  end, bufnr)
  if not ok then
    done = true
    vim.schedule(function() callback({ code = -32099, message = 'cascade: the server is shutting down; try again.' }) end)
    return nil
  end
  request_id = id
  if not done then
    entry.pending[request_id] = function(err, result)
      if done then return end
      done = true
      callback(err, result)
    end
  end
  return request_id
end

--- Cancels a pending request (the server answers it with -32800, which callers ignore).
function M.cancel(entry, request_id)
  local client = M.client_of(entry)
  if client and request_id then
    pcall(call, client, 'cancel_request', request_id)
  end
  if entry and request_id then entry.pending[request_id] = nil end
end

function M.notify(entry, method, params)
  local client = M.client_of(entry)
  if client then call(client, 'notify', method, params) end
end

--- The OS process id of the entry's server, when known (used by tests).
function M.pid(entry)
  local client = M.client_of(entry)
  local rpc = client and client.rpc
  local pid = rpc and (rpc.pid or (rpc.handle and rpc.handle.pid))
  if pid then return pid end
  local file = entry and entry.pid_file and io.open(entry.pid_file, 'r')
  if not file then return nil end
  pid = tonumber(file:read('*l'))
  file:close()
  return pid
end

--- The entry serving a buffer, if one is running.
function M.entry_for(bufnr)
  local root = root_of_buf[bufnr]
  return root and by_root[root]
end

--- Forgets that a buffer is open in its server (Neovim detached it), so the next
--- use attaches it again and Neovim sends didOpen.
function M.forget_buffer(bufnr)
  local entry = M.entry_for(bufnr)
  if entry and entry.attached then entry.attached[bufnr] = nil end
end

--- Stops every server this plugin started.
function M.stop_all()
  for root, entry in pairs(by_root) do
    local client = M.client_of(entry)
    if client then pcall(call, client, 'stop') end
    by_root[root] = nil
  end
end

return M
