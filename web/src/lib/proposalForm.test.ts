import { describe, expect, it } from 'vitest';
import { blankProposalForm, missingFields, phoneOk, proposalFields } from './proposalForm.ts';

describe('proposal form', () => {
  it('trims, leaves blanks out and reads the cost as a number', () => {
    const f = { ...blankProposalForm(), title: ' 加装电梯 ', content: ' 3号楼 ', area: '住有所居', cost: ' 12.5 ', phone: ' 139 0000 0000 ' };
    expect(proposalFields(f)).toEqual({
      title: '加装电梯',
      content: '3号楼',
      reason: undefined,
      costWan: 12.5,
      area: '住有所居',
      district: undefined,
      location: undefined,
      proposerName: undefined,
      proposerPhone: '139 0000 0000',
    });
    expect(proposalFields({ ...f, cost: '' }).costWan).toBeNull();
    expect(proposalFields({ ...f, cost: 'abc' }).costWan).toBeNull();
    // v-model on <input type="number"> hands over a number, not a string
    expect(proposalFields({ ...f, cost: 30 }).costWan).toBe(30);
    expect(proposalFields({ ...f, cost: 0 }).costWan).toBe(0);
  });

  it('names the required fields still empty, and checks the phone', () => {
    expect(missingFields(blankProposalForm())).toEqual({ title: true, content: true, area: true });
    expect(missingFields({ ...blankProposalForm(), title: 'x', content: 'y', area: '其他' })).toEqual({ title: false, content: false, area: false });
    expect(phoneOk('')).toBe(true);
    expect(phoneOk('+86 (527) 8888-1234')).toBe(true);
    expect(phoneOk('call me')).toBe(false);
  });
});
