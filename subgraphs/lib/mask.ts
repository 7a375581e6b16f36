/** Public masking (阳光操作 disclosure): 张三明 → 张*明, 李四 → 李*, account → last four digits. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('') + '*';
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

export function maskAccount(account: string | null | undefined): string | null {
  if (!account) return null;
  const digits = account.replace(/\s+/g, '');
  return `****${digits.slice(-4)}`;
}
