import { PROJECT_STATUSES } from '@piaojue/shared';
import { describe, expect, it } from 'vitest';
import { STATUS_COLOR, STATUSES } from './trackingUi.ts';

describe('status colours', () => {
  it('list every project status in the shared order (the public pages take the order from here)', () => {
    expect(STATUSES).toEqual([...PROJECT_STATUSES]);
  });

  it('reach 4.5:1 on white, since the chips print their text in them', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const [status, colour] of Object.entries(STATUS_COLOR)) expect(1.05 / (luminance(colour) + 0.05), status).toBeGreaterThanOrEqual(4.5);
  });
});
