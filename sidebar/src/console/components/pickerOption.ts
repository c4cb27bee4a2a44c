/** One choice of a RemotePicker: the id kept by the form, the name shown, and a hint beside it. */
export interface PickerOption {
  value: string;
  label: string;
  detail?: string;
}
