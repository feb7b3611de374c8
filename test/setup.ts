import { Testing } from "cdktf";
import { setupFirestoreMatchers } from "../src/testing";

Testing.setupJest();
setupFirestoreMatchers();
