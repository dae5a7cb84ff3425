--- Ghost text, the badge, and the ledger window.
local M = {}

M.ns = vim.api.nvim_create_namespace('cascade')

--- Highlight groups; users may override them (default = true keeps theirs).
function M.define_highlights()
  local set = vim.api.nvim_set_hl
  set(0, 'CascadeSuggestion', { link = 'Comment', default = true })
  set(0, 'CascadeBadge', { link = 'DiagnosticHint', default = true })
  set(0, 'CascadeBadgeTesting', { link = 'DiagnosticInfo', default = true })
  set(0, 'CascadeBadgeWarning', { link = 'DiagnosticWarn', default = true })
  set(0, 'CascadeBadgeError', { link = 'DiagnosticError', default = true })
end

--- Dollars with two significant digits and no exponent: 0.0000305 -> "$0.00003".
function M.format_usd(value)
  value = tonumber(value) or 0
  if value == 0 then return '$0' end
  local decimals = math.max(2, 1 - math.floor(math.log10(math.abs(value))))
  local text = string.format('%.' .. decimals .. 'f', value)
  if text:find('%.') then
    text = text:gsub('0+$', ''):gsub('%.$', '')
  end
  return '$' .. text
end

--- The tier that answered (else the last that ran).
local function answering_tier(report)
  local tiers = report.tiers or {}
  for _, tier in ipairs(tiers) do
    if tier.name == report.acceptedTier then return tier end
  end
  return tiers[#tiers]
end

--- Share of the baseline not spent, as a whole percent, or nil.
function M.saved_percent(report)
  local base, spent = tonumber(report.baselineCostUSD) or 0, tonumber(report.totalCostUSD) or 0
  if base <= 0 then return nil end
  return math.floor(math.max(0, 1 - spent / base) * 100 + 0.5)
end

--- The badge text and its highlight group for a CascadeReport.
--- passed: "✓ 12/12 · small · $0.00003 · saved 84%"; unverified: "unverified · medium · $0.0004".
function M.badge(report)
  if type(report) ~= 'table' then return 'no report', 'CascadeBadgeWarning' end
  local status = report.status or 'unknown'
  local tier = answering_tier(report)
  local parts = {}
  local group = 'CascadeBadge'
  if status == 'passed' then
    table.insert(parts, tier and string.format('✓ %d/%d', tier.bestPassed or 0, tier.tests or 0) or '✓')
  elseif status == 'cached' then
    table.insert(parts, '✓ cached')
  elseif status == 'unverified' then
    table.insert(parts, 'unverified')
    group = 'CascadeBadgeWarning'
  else
    table.insert(parts, status)
    group = 'CascadeBadgeError'
  end
  local tier_name = report.acceptedTier or (tier and tier.name)
  if tier_name and tier_name ~= vim.NIL then table.insert(parts, tier_name) end
  table.insert(parts, M.format_usd(report.totalCostUSD))
  local saved = M.saved_percent(report)
  if saved and saved > 0 then
    table.insert(parts, string.format('saved %s%d%%', report.baselineIsEstimate == true and '~' or '', saved))
  end
  return table.concat(parts, ' · '), group
end

--- The highlight of each severity the server gives a badge.
local severity_groups = {
  info = 'CascadeBadgeTesting', ok = 'CascadeBadge', warning = 'CascadeBadgeWarning', error = 'CascadeBadgeError',
}

--- The badge text and highlight group for a suggestion: the server's own badge
--- ({ text, severity }: "testing… · small", "✓ 2/2 tests · small · $0.00003") with
--- the saving appended from the report, else one built from the report alone.
function M.item_badge(server_badge, report)
  if type(server_badge) ~= 'table' or type(server_badge.text) ~= 'string' then
    return M.badge(report)
  end
  local text = server_badge.text
  local saved = type(report) == 'table' and M.saved_percent(report)
  if saved and saved > 0 and not text:find('saved', 1, true) then
    text = string.format('%s · saved %s%d%%', text, report.baselineIsEstimate == true and '~' or '', saved)
  end
  return text, severity_groups[server_badge.severity] or 'CascadeBadge'
end

--- Inline virtual text (text pushed right, not drawn over) exists from Neovim 0.10; probe once.
local inline_supported
function M.supports_inline()
  if inline_supported == nil then
    local buf = vim.api.nvim_create_buf(false, true)
    inline_supported = pcall(vim.api.nvim_buf_set_extmark, buf, M.ns, 0, 0,
      { virt_text = { { '' } }, virt_text_pos = 'inline' })
    vim.api.nvim_buf_delete(buf, { force = true })
  end
  return inline_supported
end

function M.clear(bufnr)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

--- Draws a suggestion: `lines[1]` after the end of `row`, the rest as virtual lines
--- below it, the badge (text, highlight group) after the first line. Returns the extmark id.
function M.show(bufnr, row, lines, badge, badge_group, position)
  M.clear(bufnr)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  if position and position.index and position.total and position.total > 1 then
    badge = string.format('%s · %d/%d', badge, position.index, position.total)
  end
  local first = { { lines[1] or '', 'CascadeSuggestion' }, { '   ' .. badge, badge_group } }
  local opts = { virt_text = first, hl_mode = 'combine' }
  if M.supports_inline() then
    opts.virt_text_pos = 'inline'
  else
    -- Drawn at the end of the line, without the gap 'eol' leaves.
    opts.virt_text_pos = 'overlay'
  end
  if #lines > 1 then
    local rest = {}
    for i = 2, #lines do
      table.insert(rest, { { lines[i], 'CascadeSuggestion' } })
    end
    opts.virt_lines = rest
  end
  return vim.api.nvim_buf_set_extmark(bufnr, M.ns, row, #line, opts)
end

--- Shows lines in a centred floating window closed by q or <Esc>; returns win, buf.
function M.float(title, lines)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'cascadeledger'
  local width = #title + 4
  for _, l in ipairs(lines) do width = math.max(width, vim.fn.strdisplaywidth(l) + 2) end
  local height = #lines
  local opts = {
    relative = 'editor',
    width = math.min(width, math.max(20, vim.o.columns - 4)),
    height = math.min(height, math.max(3, vim.o.lines - 4)),
    row = math.max(0, math.floor((vim.o.lines - height) / 2) - 1),
    col = math.max(0, math.floor((vim.o.columns - width) / 2)),
    style = 'minimal',
    border = 'rounded',
  }
  local win = vim.api.nvim_open_win(buf, true, opts)
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.api.nvim_buf_set_keymap(buf, 'n', key, '<Cmd>close<CR>', { noremap = true, silent = true })
  end
  return win, buf
end

return M
