import { describe, expect, it } from 'vitest';
import { withoutEmptyParameters } from '../../src/html/canonical-query.js';

describe('withoutEmptyParameters', () => {
  it('drops empty parameters and keeps the rest in order', () => {
    expect(withoutEmptyParameters('/namespaces?q=&status=&sort=')).toEqual({
      url: '/namespaces',
      dropped: true,
    });
    expect(withoutEmptyParameters('/namespaces?q=a+b&status=&size=10')).toEqual({
      url: '/namespaces?q=a+b&size=10',
      dropped: true,
    });
  });

  it('says when nothing was dropped', () => {
    expect(withoutEmptyParameters('/backends?health=problem')).toEqual({
      url: '/backends?health=problem',
      dropped: false,
    });
    expect(withoutEmptyParameters('/backends')).toEqual({ url: '/backends', dropped: false });
  });

  it('never gives another host', () => {
    expect(withoutEmptyParameters('//evil.example/x?q=')).toBeUndefined();
    expect(withoutEmptyParameters('/\\evil.example?q=')).toBeUndefined();
  });
});
