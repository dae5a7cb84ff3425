--- Positions: an LSP position counts a line's characters in the connection's offset
--- encoding ('utf-16' unless the server chose 'utf-8' or 'utf-32'); Neovim counts bytes.
--- Everything here is 0-based: (row, byte column) on the Neovim side.
local M = {}

--- Neovim 0.11 made the encoding an argument of vim.str_byteindex / vim.str_utfindex
--- (the old signatures are deprecated there); 0.10 and older only have the old ones.
local encoding_argument = vim.fn.has('nvim-0.11') == 1

--- The byte column of `character` (units of `encoding`) in `line`, clamped to the line.
function M.byte_col(line, character, encoding)
  character = math.max(0, character or 0)
  if encoding == 'utf-8' then return math.min(character, #line) end
  local ok, col
  if encoding_argument then
    ok, col = pcall(vim.str_byteindex, line, encoding, character, false)
  else
    ok, col = pcall(vim.str_byteindex, line, character, encoding == 'utf-16')
  end
  if not ok or type(col) ~= 'number' or col > #line then col = #line end
  return col
end

--- The units of `encoding` before byte column `col` of `line` (clamped to the line).
function M.character(line, col, encoding)
  col = math.max(0, math.min(col or 0, #line))
  if encoding == 'utf-8' then return col end
  if encoding_argument then
    return vim.str_utfindex(line, encoding, col, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return encoding == 'utf-16' and utf16 or utf32
end

--- The text of a 0-based row, or nil past the end.
function M.line(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
end

--- An LSP position -> 0-based (row, byte col), clamped to the buffer: a row past the
--- end is the end of the last line, a character past the end of its line is its end.
function M.to_byte(bufnr, position, encoding)
  local count = vim.api.nvim_buf_line_count(bufnr)
  local row = math.max(0, position.line or 0)
  if row >= count then
    return count - 1, #(M.line(bufnr, count - 1) or '')
  end
  return row, M.byte_col(M.line(bufnr, row) or '', position.character, encoding)
end

--- A 0-based (row, byte col) -> LSP position.
function M.to_lsp(bufnr, row, col, encoding)
  return { line = row, character = M.character(M.line(bufnr, row) or '', col, encoding) }
end

--- The buffer's text between two (row, byte col) positions; '' when they are reversed.
function M.text_between(bufnr, sr, sc, er, ec)
  if er < sr or (er == sr and ec < sc) then return '' end
  local lines = vim.api.nvim_buf_get_lines(bufnr, sr, er + 1, false)
  if #lines == 0 then return '' end
  lines[#lines] = lines[#lines]:sub(1, ec)
  lines[1] = lines[1]:sub(sc + 1)
  return table.concat(lines, '\n')
end

return M
