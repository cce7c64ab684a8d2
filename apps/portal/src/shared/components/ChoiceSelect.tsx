/** A labelled filter select: one option for "any" (`anyValue`, empty by default), then the choices in words. */
export function ChoiceSelect<T extends string>(props: {
  readonly label: string;
  readonly value: string;
  readonly anyLabel: string;
  readonly anyValue?: string;
  readonly choices: readonly T[];
  readonly choiceLabel?: (choice: T) => string;
  readonly onChange: (value: T | undefined) => void;
}) {
  const anyValue = props.anyValue ?? '';
  return (
    <label>
      {props.label}
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value === anyValue ? undefined : (e.target.value as T))}
      >
        <option value={anyValue}>{props.anyLabel}</option>
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {props.choiceLabel ? props.choiceLabel(choice) : choice}
          </option>
        ))}
      </select>
    </label>
  );
}
