import { MAX_BODY_DEPTH, bodyShapeProblem } from '../../../src/common/hostile-input/body-shape';

function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
function nestedObjects(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('bodyShapeProblem', () => {
  it('accepts the API bodies and nesting up to the limit', () => {
    expect(
      bodyShapeProblem({
        amount: 5,
        paymentMethod: 'card',
        card: { number: '4242424242424242', expMonth: 12 },
      }),
    ).toBeUndefined();
    expect(bodyShapeProblem({ email: 'zoë@example.com', displayName: 'Zoë 🎬' })).toBeUndefined();
    expect(bodyShapeProblem(nestedArrays(MAX_BODY_DEPTH))).toBeUndefined();
    expect(bodyShapeProblem(nestedObjects(MAX_BODY_DEPTH))).toBeUndefined();
  });

  it('refuses nesting past the limit, however deep, without recursing', () => {
    expect(bodyShapeProblem(nestedArrays(MAX_BODY_DEPTH + 1))).toBe(
      `request body is nested deeper than ${MAX_BODY_DEPTH} levels`,
    );
    expect(bodyShapeProblem({ x: nestedObjects(MAX_BODY_DEPTH) })).toMatch(/nested deeper/);
    expect(bodyShapeProblem(nestedArrays(200_000))).toMatch(/nested deeper/);
    expect(bodyShapeProblem(JSON.parse(`{"email":${'['.repeat(3000)}${']'.repeat(3000)}}`))).toMatch(
      /nested deeper/,
    );
  });

  it('refuses NUL characters and lone surrogates in values and keys, at any depth', () => {
    expect(bodyShapeProblem({ name: 'a\u0000b' })).toMatch(/NUL character/);
    expect(bodyShapeProblem({ 'na\u0000me': 'x' })).toMatch(/NUL character/);
    expect(bodyShapeProblem({ card: { number: ['\u0000'] } })).toMatch(/NUL character/);
    expect(bodyShapeProblem({ email: 'a\ud800@b.co' })).toMatch(/lone UTF-16 surrogate/);
    expect(bodyShapeProblem({ email: 'a\udc00@b.co' })).toMatch(/lone UTF-16 surrogate/);
    expect(bodyShapeProblem({ email: 'end\ud83c' })).toMatch(/lone UTF-16 surrogate/);
    expect(bodyShapeProblem({ ['\udfff']: 1 })).toMatch(/lone UTF-16 surrogate/);
    expect(bodyShapeProblem({ name: '\ud83c\udfac' })).toBeUndefined();
  });
});
