// Vant's function APIs are not seen by the component resolver, so their style comes in here once.
import "vant/es/toast/style";

export { showFailToast, showSuccessToast, showToast } from "vant";
